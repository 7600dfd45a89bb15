"""Runs test commands two at a time (the QEMU images of one suite), each output kept in its own
file (make mcu-size reads the figures from them) and all of them appended, in the given order, to
the suite's log. Exit status 1 when any command failed.
Usage: python3 tests/mcu/run_parallel.py LOG OUT_FILE COMMAND [OUT_FILE COMMAND]..."""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

JOBS = 2


def run(out, command):
    with open(out, "w") as f:
        return subprocess.run(command, shell=True, stdout=f, stderr=subprocess.STDOUT).returncode


def main():
    log, pairs = sys.argv[1], list(zip(sys.argv[2::2], sys.argv[3::2]))
    for out, _ in pairs:
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with ThreadPoolExecutor(JOBS) as pool:
        codes = list(pool.map(lambda p: run(*p), pairs))
    status = 0
    with open(log, "a") as f:
        for (out, command), code in zip(pairs, codes):
            text = open(out, errors="replace").read()
            f.write(text)
            sys.stdout.write(text)
            if code != 0:
                status = 1
                print(f"FAIL (exit {code}): {command}")
    return status


if __name__ == "__main__":
    sys.exit(main())
