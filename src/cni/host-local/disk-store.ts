// The Store on disk, in upstream host-local's layout so an operator can read it:
// <dataDir>/<network>/<ip> holds "<containerID>\r\n<ifname>", last_reserved_ip.<set> the last
// address handed out per range set. Node has no flock(2), so the lock is a file created with
// O_EXCL holding the owner's pid; a lock whose owner is gone is broken, and a held lock is
// retried with a short backoff until the deadline (then CNI code 11, "try again later").
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CniError, ErrorCode } from '../types.js';
import type { Allocation, Store } from './store.js';

export const DEFAULT_DATA_DIR = '/var/lib/cni/networks';

/** The store of one network under the IPAM config's `dataDir` (a StoreFactory). */
export const openDiskStore = (dataDir: string | undefined, network: string) =>
  new DiskStore(dataDir ?? DEFAULT_DATA_DIR, network);
const LOCK = 'lock';
const LAST = 'last_reserved_ip.';

export interface DiskStoreOptions {
  lockTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const isIPName = (n: string) => /^[0-9a-fA-F.:]+$/.test(n) && (n.includes('.') || n.includes(':'));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DiskStore implements Store {
  readonly dir: string;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(dataDir: string, network: string, opts: DiskStoreOptions = {}) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(network)) {
      throw new CniError(ErrorCode.InvalidNetworkConfig, `invalid network name "${network}"`);
    }
    this.dir = join(dataDir, network);
    this.timeoutMs = opts.lockTimeoutMs ?? 10_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Creates the directory; STATUS uses this to tell whether ADDs could be served. */
  async ensureWritable(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o755 });
    const probe = join(this.dir, `.probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  }

  async lock(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o755 });
    const path = join(this.dir, LOCK);
    const deadline = Date.now() + this.timeoutMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      try {
        const fh = await open(path, 'wx', 0o644);
        await fh.writeFile(String(process.pid));
        await fh.close();
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw this.ioError('taking the lock', e);
      }
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      // Break a lock whose holder died. An empty file is a holder between open and write: wait.
      if (owner > 0 && !alive(owner)) await rm(path, { force: true });
      else if (Date.now() > deadline) {
        throw new CniError(
          ErrorCode.TryAgainLater,
          `IPAM store ${this.dir} is locked`,
          `held by pid ${owner || '?'}`,
        );
      } else await this.sleep(delay + Math.floor(Math.random() * delay));
    }
  }

  async unlock(): Promise<void> {
    await rm(join(this.dir, LOCK), { force: true });
  }

  async reserve(containerID: string, ifname: string, ip: string, rangeSetID: number): Promise<boolean> {
    try {
      const fh = await open(join(this.dir, ip), 'wx', 0o644);
      await fh.writeFile(`${containerID}\r\n${ifname}`);
      await fh.close();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw this.ioError(`reserving ${ip}`, e);
    }
    // Written then renamed, so a crash never leaves a half-written last_reserved_ip.
    const tmp = join(this.dir, `.${LAST}${rangeSetID}.${process.pid}`);
    await writeFile(tmp, ip);
    await rename(tmp, join(this.dir, `${LAST}${rangeSetID}`));
    return true;
  }

  async lastReservedIP(rangeSetID: number): Promise<string | null> {
    const text = await readFile(join(this.dir, `${LAST}${rangeSetID}`), 'utf8').catch(() => '');
    return text.trim() || null;
  }

  async list(): Promise<Allocation[]> {
    const names = await readdir(this.dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw this.ioError('listing allocations', e);
    });
    const out: Allocation[] = [];
    for (const ip of names.filter(isIPName).sort()) {
      const [containerID = '', ifname = ''] = (await readFile(join(this.dir, ip), 'utf8')).split(/\r?\n/);
      out.push({ ip, containerID: containerID.trim(), ifname: ifname.trim() });
    }
    return out;
  }

  async release(ip: string): Promise<void> {
    if (!isIPName(ip)) throw new CniError(ErrorCode.InvalidNetworkConfig, `not an IP address: "${ip}"`);
    await rm(join(this.dir, ip), { force: true });
  }

  private ioError(doing: string, e: unknown): CniError {
    return new CniError(ErrorCode.IOFailure, `${doing} in ${this.dir}`, (e as Error).message);
  }
}
