// Runs the CLI in this process and reports its resource usage on stderr as one JSON line
// (`{"maxRSSKiB": ...}`) when the process exits, so the benchmark can read the peak memory
// of a real command. Like bin/podnet, it sets the exit code instead of calling process.exit().
import { main } from '../cli/main.js';

process.on('exit', () =>
  process.stderr.write(`\n${JSON.stringify({ maxRSSKiB: process.resourceUsage().maxRSS })}\n`),
);
process.exitCode = await main(process.argv);
