// The inside end of `podnet port-forward`, started by the CLI with
// `nsenter --net=/run/netns/<pod netns> node dist/main/forwarder.js` and an IPC channel. The CLI
// listens on 127.0.0.1 in the host's namespace and hands each listening socket over the channel
// (Node passes socket handles to a child); connections accepted on it are joined here to
// localhost:<port> inside the pod's namespace, which is what the kubelet's port-forward dials.
// Nothing is routed between the host and the cluster.
import net from 'node:net';

interface Serve {
  type: 'serve';
  local: number;
  remote: number;
}

function join(client: net.Socket, local: number, remote: number): void {
  process.stdout.write(`Handling connection for ${local}\n`);
  const upstream = net.connect({ host: '127.0.0.1', port: remote });
  upstream.on('error', (e) => {
    process.stderr.write(`error: an error occurred forwarding ${local} -> ${remote}: ${e.message}\n`);
    client.destroy();
  });
  client.on('error', () => upstream.destroy());
  client.pipe(upstream).pipe(client);
}

process.on('message', (m: Serve, handle: net.Server | undefined) => {
  if (m?.type !== 'serve' || !handle) return;
  handle.on('connection', (c: net.Socket) => join(c, m.local, m.remote));
  process.send?.({ type: 'serving', local: m.local });
});
// The CLI going away closes the channel: stop then.
process.on('disconnect', () => process.exit(0));
