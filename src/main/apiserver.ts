// Entry point of the API server process: `node dist/main/apiserver.js --state-dir DIR [--port N]
// [--name NAME] [--socket PATH]`. Prints the URL and the kubeconfig path, then serves until
// SIGINT/SIGTERM, when it closes the listeners and the database.
import { parseArgs } from 'node:util';
import { startApiServer } from '../apiserver/server.js';

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string' },
    port: { type: 'string', default: '6443' },
    name: { type: 'string', default: 'podnet' },
    socket: { type: 'string' },
  },
});
if (!values['state-dir']) {
  process.stderr.write('usage: apiserver --state-dir DIR [--port N] [--name NAME] [--socket PATH]\n');
  process.exit(2);
}
const server = await startApiServer({
  stateDir: values['state-dir'],
  port: Number(values.port),
  name: values.name,
  socketPath: values.socket,
});
process.stdout.write(`apiserver listening on ${server.url} (socket ${server.socketPath ?? 'none'})\n`);
process.stdout.write(`kubeconfig: ${server.kubeconfigPath}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
