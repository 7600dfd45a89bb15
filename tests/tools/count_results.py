"""Sums the "N passed, M failed" lines of test programs' output into
build/test-results/SUITE.json. A program that printed no such line (crashed, timed out) counts
as one failure. Usage: python3 tests/tools/count_results.py SUITE LOG EXPECTED_PROGRAMS"""
import json
import os
import re
import sys

suite, log, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(log, encoding="utf-8", errors="replace").read() if os.path.exists(log) else ""
lines = re.findall(r"^(\d+) passed, (\d+) failed$", text, re.M)
passed = sum(int(p) for p, _ in lines)
failed = sum(int(f) for _, f in lines) + max(0, expected - len(lines))
os.makedirs("build/test-results", exist_ok=True)
with open(f"build/test-results/{suite}.json", "w") as f:
    f.write(json.dumps({"passed": passed, "failed": failed}) + "\n")
print(f"{suite}: {passed} passed, {failed} failed")
sys.exit(0 if failed == 0 and passed > 0 else 1)
