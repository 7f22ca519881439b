// Process wiring shared by the CNI plugin entry points: the real environment and stdio for skel.
import { dispatch, type PluginFuncs } from '../cni/skel.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return text;
}

/** Runs one invocation and returns the exit code (the caller sets process.exitCode). */
export async function runPlugin(funcs: PluginFuncs): Promise<number> {
  const stdin = process.env.CNI_COMMAND === 'VERSION' && process.stdin.isTTY ? '' : await readStdin();
  return dispatch(funcs, {
    env: process.env,
    stdin,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
