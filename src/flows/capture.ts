// The edge that reads NFLOG: `tcpdump -i nflog:GROUP -U -w -` inside a node's network namespace
// (NFLOG groups are per namespace), its pcap stream decoded by nflog.ts. tcpdump is the reader
// because Node has no netlink sockets; -U flushes every packet, -s keeps the headers only (the
// NFLOG TLVs and the start of the packet).
//
// tcpdump must die with its agent: an agent killed with SIGKILL (or crashing) left it running for
// good in its node's namespace, deleted or not, as nothing is logged there to make it write to
// the closed pipe. setpriv gives it a parent-death signal; changing user would clear that signal
// (prctl(2): PR_SET_PDEATHSIG), so tcpdump stays uid 0 (-Z root) but holds only the capabilities
// it uses: net_admin and net_raw for the NFLOG socket, setuid and setgid for -Z.
import { spawn, type ChildProcess } from 'node:child_process';
import { assertOwned } from '../host/netns.js';
import { NflogPcapReader, type LoggedPacket } from './nflog.js';

export class NflogCapture {
  private child?: ChildProcess;

  constructor(
    private readonly netns: string,
    private readonly group: number,
    private readonly onPackets: (packets: LoggedPacket[]) => void,
    private readonly log: (line: string) => void,
    /** Called when tcpdump exits, whatever the reason (the owner may start it again). */
    private readonly onExit: () => void = () => undefined,
  ) {
    assertOwned(netns);
  }

  /** Starts tcpdump; resolves once it listens (its "listening on" line), so no log is missed. */
  start(): Promise<void> {
    const reader = new NflogPcapReader();
    const child = spawn(
      'nsenter',
      [
        `--net=/run/netns/${this.netns}`,
        'setpriv',
        '--pdeathsig',
        'KILL',
        '--bounding-set',
        '-all,+net_admin,+net_raw,+setuid,+setgid',
        'tcpdump',
        '-Z',
        'root',
        '-i',
        `nflog:${this.group}`,
        '-U',
        '-s',
        '256',
        '-w',
        '-',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => {
      try {
        const packets = reader.push(chunk);
        if (packets.length) this.onPackets(packets);
      } catch (e) {
        this.log(`flows: ${(e as Error).message}`);
        child.kill();
      }
    });
    return new Promise((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('listening on')) resolve();
      });
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code !== 0 && code !== null)
          this.log(`flows: tcpdump exited ${code}: ${err.trim().split('\n').at(-1)}`);
        reject(new Error(`tcpdump exited before listening: ${err.trim()}`));
        this.onExit();
      });
    });
  }

  stop(): void {
    if (this.child?.exitCode === null) this.child.kill('SIGTERM');
  }
}
