// Runs Node test files with node:test, shows the spec report, and records the counts for
// tests/tools/summary.mjs. Usage: node tests/tools/node-suite.mjs SUITE FILE...
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const [suite, ...files] = process.argv.slice(2);
fs.mkdirSync("build/test-results", { recursive: true });
const tap = `build/test-results/${suite}.tap`;
const run = spawnSync(process.execPath, [
  "--test", "--test-concurrency=2",
  "--test-reporter=spec", "--test-reporter-destination=stdout",
  "--test-reporter=tap", `--test-reporter-destination=${tap}`,
  ...files,
], { stdio: "inherit" });
const text = fs.existsSync(tap) ? fs.readFileSync(tap, "utf8") : "";
const count = (name) => Number((text.match(new RegExp(`^# ${name} (\\d+)$`, "m")) || [0, 0])[1]);
const passed = count("pass");
const failed = count("fail") + count("cancelled") + (run.status === 0 ? 0 : count("fail") === 0 ? 1 : 0);
fs.writeFileSync(`build/test-results/${suite}.json`, JSON.stringify({ passed, failed }) + "\n");
process.exit(run.status === 0 ? 0 : 1);
