// The cluster daemon (`podnet up` starts it): the API server over the durable store, and the
// cluster controllers running against that store whenever it changes. Serves until SIGTERM,
// then closes listeners and the database.
import { parseArgs } from 'node:util';
import { defaultClusterConfig } from '../api/cluster.js';
import { startApiServer } from '../apiserver/server.js';
import { startControllerLoop } from '../daemon/controller-loop.js';
import { flowMetrics } from '../flows/metrics.js';
import { join } from 'node:path';

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string' },
    port: { type: 'string', default: '6443' },
    name: { type: 'string', default: 'podnet' },
    'read-socket': { type: 'string' },
  },
});
if (!values['state-dir']) {
  process.stderr.write('usage: daemon --state-dir DIR [--port N] [--name NAME] [--read-socket PATH]\n');
  process.exitCode = 2;
} else {
  const server = await startApiServer({
    stateDir: values['state-dir'],
    port: Number(values.port),
    name: values.name,
    readSocketPath: values['read-socket'],
    // The agents record flows into the state directory's flows.db (cli/cluster-state.ts).
    metrics: flowMetrics(join(values['state-dir'], 'flows.db')),
  });
  const loop = startControllerLoop(server.store, defaultClusterConfig, (e) =>
    process.stderr.write(`controllers: ${e instanceof Error ? e.message : e}\n`),
  );
  process.stdout.write(
    `daemon: API server ${server.url}, socket ${server.socketPath}, kubeconfig ${server.kubeconfigPath}\n`,
  );
  const stop = () => {
    loop.stop();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
