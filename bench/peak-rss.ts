/**
 * Loaded with `--import` into a process being measured: when the process exits, writes its
 * peak resident set size in bytes to the file $LABBOOK_BENCH_PEAK_RSS names.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.LABBOOK_BENCH_PEAK_RSS;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
