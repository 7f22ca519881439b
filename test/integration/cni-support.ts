// Helpers for the CNI integration test: a one-shot TCP exchange between two pod namespaces
// (this machine has no ping; node is always here), and reads of `ip -j` output in a netns.
import { exec, execCapture } from '../../src/host/exec.js';

const SERVER = `const s=require('net').createServer(c=>{c.end(process.argv[1]);s.close()});s.listen(7777,'0.0.0.0');setTimeout(()=>process.exit(3),8000).unref()`;
const CLIENT = `let n=0;const go=()=>{const c=require('net').connect(7777,process.argv[1]);let d='';c.on('data',x=>d+=x);c.on('end',()=>console.log(d));c.on('error',()=>{if(++n<40)setTimeout(go,100);else process.exitCode=2})};go()`;

/** Connects from pod `from` to `toIP` in pod `to` and returns what the server sent. */
export async function tcpExchange(from: string, to: string, toIP: string): Promise<string> {
  const server = execCapture(['node', '-e', SERVER, `hello from ${to}`], { netns: to, timeoutMs: 10_000 });
  const client = await exec(['node', '-e', CLIENT, toIP], { netns: from, timeoutMs: 10_000 });
  await server;
  return client.trim();
}

export async function podAddresses(netns: string, dev = 'eth0'): Promise<string[]> {
  const [l] = JSON.parse(await exec(['ip', '-n', netns, '-j', 'address', 'show', 'dev', dev])) as Array<{
    addr_info: Array<{ local: string; prefixlen: number; family: string }>;
  }>;
  return l.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
}

export async function defaultGateway(netns: string): Promise<string | undefined> {
  const routes = JSON.parse(
    await exec(['ip', '-n', netns, '-j', '-4', 'route', 'show', 'default']),
  ) as Array<{ gateway?: string }>;
  return routes[0]?.gateway;
}

export async function linkExists(netns: string, name: string): Promise<boolean> {
  return (await execCapture(['ip', '-n', netns, 'link', 'show', 'dev', name])).code === 0;
}

/** The IPv4 neighbours `netns` resolved (entries that failed or are still resolving aside). */
export async function neighbours(netns: string): Promise<string[]> {
  const entries = JSON.parse(await exec(['ip', '-n', netns, '-j', '-4', 'neigh', 'show'])) as Array<{
    dst: string;
    state?: string[];
  }>;
  return entries
    .filter((e) => !e.state?.some((s) => s === 'FAILED' || s === 'INCOMPLETE'))
    .map((e) => e.dst)
    .sort();
}
