// Progress of a long run on stderr, so stdout stays clean for -o json. On a terminal: one line
// rewritten in place (dimmed unless NO_COLOR) and erased at the end. Elsewhere (CI logs): a
// line once the run has taken 2 s, then every 5 s, and nothing for a short run.
import { useColor } from '../output.js';

const QUIET_MS = 2000;
const EVERY_MS = 5000;

export interface Progress {
  update(done: number): void;
  end(): void;
}

export function startProgress(
  what: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = Date.now();
  let done = 0;
  const line = () => `${what}: ${done}/${total} pods done`;
  if (stream.isTTY) {
    const dim = useColor(stream) ? (s: string) => `\x1b[2m${s}\x1b[0m` : (s: string) => s;
    const show = () => stream.write(`\r${dim(line())}\x1b[K`);
    show();
    return {
      update: (n) => {
        done = n;
        show();
      },
      end: () => stream.write('\r\x1b[K'),
    };
  }
  const print = () => stream.write(`${line()} (${Math.round((Date.now() - started) / 1000)} s)\n`);
  let every: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    print();
    every = setInterval(print, EVERY_MS);
  }, QUIET_MS);
  return {
    update: (n) => (done = n),
    end: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
