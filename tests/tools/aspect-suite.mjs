// Runs as-pect (tests/assembly/*.spec.ts), shows its report, and records the counts for
// tests/tools/summary.mjs from its "[Tests]: passed / total" line. Usage: node tests/tools/aspect-suite.mjs SUITE
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const suite = process.argv[2];
fs.mkdirSync("build/test-results", { recursive: true });
const run = spawnSync("node_modules/.bin/asp", ["--config", "as-pect.config.js"], { encoding: "utf8", maxBuffer: 256 << 20 });
process.stdout.write(run.stdout || "");
process.stderr.write(run.stderr || "");
const plain = (run.stdout || "").replace(/\x1b\[[0-9;]*m/g, "");
const m = plain.match(/\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/);
const passed = m ? Number(m[1]) : 0;
let failed = m ? Number(m[2]) - passed : 1;
if (run.status !== 0 && failed === 0) failed = 1;
fs.writeFileSync(`build/test-results/${suite}.json`, JSON.stringify({ passed, failed }) + "\n");
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
