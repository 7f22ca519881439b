// The node agent's flow log: reads the packets the NetworkPolicy table logs to NFLOG in this
// node's namespace (flows/capture.ts), names the rule and the pods behind each one with the
// enforcer's catalog (flows/attribute.ts), and appends them to the cluster's flow store, one
// flow per connection attempt (flows/dedupe.ts: retransmissions are not new attempts).
import { DEFAULT_LOG_GROUP } from '../dataplane/policy/names.js';
import { flowOf } from '../flows/attribute.js';
import { AttemptFilter } from '../flows/dedupe.js';
import { NflogCapture } from '../flows/capture.js';
import { FlowStore, type Flow } from '../flows/store.js';
import type { PolicyEnforcer } from './policy-enforcer.js';

export class FlowRecorder {
  private readonly store: FlowStore;
  private readonly capture: NflogCapture;
  private stopped = false;

  constructor(
    node: string,
    netns: string,
    storeFile: string,
    enforcer: PolicyEnforcer,
    private readonly log: (line: string) => void,
  ) {
    this.store = new FlowStore(storeFile);
    const attempts = new AttemptFilter();
    this.capture = new NflogCapture(
      netns,
      DEFAULT_LOG_GROUP,
      (packets) => {
        const flows = attempts
          .firstOfAttempts(packets)
          .map((p) => flowOf(p, node, enforcer.catalog, enforcer.podsByIP))
          .filter((f): f is Flow => f !== undefined);
        try {
          this.store.add(flows);
        } catch (e) {
          this.log(`flows: ${(e as Error).message}`);
        }
      },
      log,
      () => this.restartLater(),
    );
  }

  /**
   * Resolves once NFLOG is being read, so no logged packet after this is missed; rejects after
   * `timeoutMs` (the agent then runs without flows rather than not at all).
   */
  start(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`tcpdump did not start in ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.capture.start(), timeout]).finally(() => clearTimeout(timer));
  }

  /** The reader died (killed, crashed): flows would silently stop, so start it again. */
  private restartLater(): void {
    if (this.stopped) return;
    this.log('flows: the NFLOG reader stopped; starting it again in 1 s');
    setTimeout(() => {
      if (!this.stopped) this.start().catch((e) => this.log(`flows: ${(e as Error).message}`));
    }, 1000).unref();
  }

  stop(): void {
    this.stopped = true;
    this.capture.stop();
    this.store.close();
  }
}
