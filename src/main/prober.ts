// Entry point of a prober: `podnet probe` starts one per source pod, inside the pod's network
// namespace as the pod's user (`ip netns exec <pod-netns> setpriv ... node dist/main/prober.js`),
// writes a ProberRequest to its stdin and reads a ProberReply from its stdout. Exit 2 on a bad
// request; connection failures are results, not errors.
import { socketDialer } from '../probe/dial.js';
import { parseProberRequest } from '../probe/protocol.js';
import { runProberRequest } from '../probe/schedule.js';

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  let request;
  try {
    request = parseProberRequest(input);
  } catch (e) {
    process.stderr.write(`prober: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const reply = await runProberRequest(request, socketDialer);
  process.stdout.write(JSON.stringify(reply));
}

await main();
