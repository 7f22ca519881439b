// Runs the CLI in this process and reports its resource usage on stderr as one JSON line
// (`{"maxRSSKiB": ...}`), so the benchmark can read the peak memory of a real command.
import { main } from '../cli/main.js';

const code = await main(process.argv);
process.stderr.write(`\n${JSON.stringify({ maxRSSKiB: process.resourceUsage().maxRSS })}\n`);
process.exit(code);
