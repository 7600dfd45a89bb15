// Sums build/test-results/<suite>.json over the suites named on the command line and prints
// "N passed, M failed". A suite that wrote no result counts as one failure, so a crashed or
// silently empty suite cannot pass.
import fs from "node:fs";

let passed = 0;
let failed = 0;
for (const suite of process.argv.slice(2)) {
  const file = `build/test-results/${suite}.json`;
  let result;
  try {
    result = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    console.log(`${suite}: no results (${file} missing): counted as 1 failed`);
    failed += 1;
    continue;
  }
  if (result.passed === 0 && result.failed === 0) {
    console.log(`${suite}: ran no test: counted as 1 failed`);
    failed += 1;
    continue;
  }
  console.log(`${suite}: ${result.passed} passed, ${result.failed} failed`);
  passed += result.passed;
  failed += result.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
