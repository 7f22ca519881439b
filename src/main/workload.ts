// Entry point of the built-in workloads: `node dist/main/workload.js SUBCOMMAND [flags]
// --pod-name=NAME`. The pod runtime starts it inside the pod's netns as an unprivileged user.
import { buildNetexecConfig, buildServeHostnameConfig, parseArgs, FlagError } from '../workloads/flags.js';
import { runNetexec } from '../workloads/netexec.js';

const USAGE = 'usage: workload.js netexec|serve-hostname|dns|pause|idle [--pod-name=NAME] [flags]';

function podNameOf(args: string[]): string {
  return (
    parseArgs(args).flags.get('pod-name')?.at(-1) ?? process.env.POD_NAME ?? process.env.HOSTNAME ?? 'pod'
  );
}

/** pause and idle: stay alive doing nothing; exit 0 on SIGTERM/SIGINT like the pause container. */
function sleepForever(): void {
  const timer = setInterval(() => undefined, 1 << 30);
  const stop = () => {
    clearInterval(timer);
    process.exit(0);
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
}

async function main(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const podName = podNameOf(rest);
  switch (sub) {
    // A container whose only ports are SCTP (no SCTP sockets here) has nothing to listen on but
    // must keep running, as agnhost does, so that its pod becomes Ready (docs/probe.md).
    case 'netexec':
      if ((await runNetexec(buildNetexecConfig(rest, podName), log)) === 0) sleepForever();
      break;
    case 'serve-hostname':
      if ((await runNetexec(buildServeHostnameConfig(rest, podName), log)) === 0) sleepForever();
      break;
    case 'dns': {
      // --api-socket=PATH [--zone=Z] [--pods=MODE] [--upstream=IP[:port]] [--port=53] ...
      // Loaded only here: netexec pods (most of them) need neither prom-client nor the codec.
      const { buildDnsConfig } = await import('../dns/server/config.js');
      const { startClusterDns } = await import('../dns/server/server.js');
      await startClusterDns(buildDnsConfig(rest, process.env), log);
      break;
    }
    case 'pause':
    case 'idle':
      log(`${sub}: ${podName}`);
      sleepForever();
      break;
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
  }
  // A server answers until it is stopped; SIGTERM ends it with exit code 0.
  process.on('SIGTERM', () => process.exit(0));
}

main(process.argv.slice(2)).catch((e: Error) => {
  process.stderr.write(`workload: ${e.message}\n`);
  process.exit(e instanceof FlagError ? 2 : 1);
});
