#!/usr/bin/env python3
"""Runs the libFuzzer targets in build/fuzz/: first every committed regression input
(tests/fuzz/regressions/<target>/*) once, then fuzzing for --time seconds per target (or, with
--runs N or --runs TARGET=N, for exactly N executions: as many inputs on any machine, however
fast), --jobs targets at a time. Writes build/fuzz-stats.json (per target: seconds, executions, corpus size,
seed, crash files) and, with --suite NAME, build/test-results/NAME.json = {"passed": clean
targets, "failed": targets with a crash (a failed regression, an input libFuzzer wrote as a
crash / leak / timeout / oom artifact, a run that executed nothing) or a missing binary; a slow
unit is listed and noted, not failed: its time depends on the machine}.
--seed S: each target gets the fixed libFuzzer seed S + crc32(target) % 100000, so a run explores
in the same order every time (reproducible CI); without it libFuzzer picks a random seed.
--fresh-corpus: the corpus starts empty for this run (build/fuzz/run-corpus/<target>, from the
seeds and the regressions only); otherwise build/fuzz/corpus/<target> grows run after run.
Usage: run.py [--time S | --runs [TARGET=]N]... [--jobs N] [--suite NAME] [--seed S] [--fresh-corpus] TARGET..."""
import argparse, glob, json, os, re, shutil, subprocess, sys, time, zlib
from concurrent.futures import ThreadPoolExecutor

ap = argparse.ArgumentParser()
ap.add_argument("--time", type=int, default=60)
ap.add_argument("--runs", action="append", default=[], metavar="[TARGET=]N",
                help="stop after N executions instead of after --time seconds (for every target, or for TARGET)")
ap.add_argument("--jobs", type=int, default=2)
ap.add_argument("--suite")
ap.add_argument("--seed", type=int)
ap.add_argument("--fresh-corpus", action="store_true")
ap.add_argument("targets", nargs="+")
args = ap.parse_args()
RUNS = {}
for spec in args.runs:
    name, _, n = spec.rpartition("=")
    RUNS[name or "*"] = int(n)

FUZZ = "build/fuzz"
# A run bound by executions gets a generous wall-clock limit: a machine several times slower still
# finishes, and one that hangs is stopped.
OUTER_TIMEOUT = 1800 if RUNS else args.time + 240
REG = "tests/fuzz/regressions"


def replay(target, binary):
    files = sorted(f for f in glob.glob(os.path.join(REG, target, "*")) if os.path.isfile(f))
    if not files:
        return 0, ""
    p = subprocess.run([binary] + files, capture_output=True, text=True, timeout=300)
    return len(files), ("" if p.returncode == 0 else p.stderr[-4000:])


def fuzz(target):
    binary = os.path.join(FUZZ, "fuzz_" + target)
    seed = None if args.seed is None else args.seed + zlib.crc32(target.encode()) % 100000
    runs = RUNS.get(target, RUNS.get("*"))
    res = {"target": target, "seconds": args.time, "runs": runs, "seed": seed, "executions": 0, "corpus": 0, "crashes": [],
           "regressions": 0}
    if not os.access(binary, os.X_OK):
        res["error"] = "missing binary " + binary
        return res
    try:
        res["regressions"], err = replay(target, binary)
    except subprocess.TimeoutExpired:
        err = "regression replay timed out"
    if err:
        res["error"] = "regression failed:\n" + err
        return res
    corpus = os.path.join(FUZZ, "run-corpus" if args.fresh_corpus else "corpus", target)
    crashes = os.path.join(FUZZ, "crashes", target)
    if args.fresh_corpus:
        shutil.rmtree(corpus, ignore_errors=True)
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(crashes, exist_ok=True)
    before = set(os.listdir(crashes))
    dirs = [corpus] + [d for d in (os.path.join(FUZZ, "seeds", target), os.path.join(REG, target)) if os.path.isdir(d)]
    log = os.path.join(FUZZ, "fuzz-%s.log" % target)
    limit = "-runs=%d" % runs if runs else "-max_total_time=%d" % args.time
    cmd = [binary, limit, "-print_final_stats=1", "-timeout=20", "-rss_limit_mb=2048",
           "-max_len=8192", "-artifact_prefix=%s/" % crashes] + (["-seed=%d" % seed] if seed else []) + dirs
    t0 = time.time()
    with open(log, "w") as f:
        try:
            p = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=OUTER_TIMEOUT)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            rc = -1
    res["seconds"] = round(time.time() - t0, 1)
    text = open(log, errors="replace").read()
    m = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text)
    if m:
        res["executions"] = int(m[-1])
    else:  # killed before its final stats: the last status line
        m = re.findall(r"^#(\d+)\s", text, re.M)
        res["executions"] = int(m[-1]) if m else 0
    res["corpus"] = len(os.listdir(corpus))
    # A crash is an input libFuzzer wrote as an artifact (crash-, leak-, timeout-, oom-): named in
    # the log even when the same file is already there from an earlier run. The exit code alone
    # is not one (an outer timeout on a slow machine stops a run that found nothing).
    # A slow unit (an input that took over libFuzzer's 10 s report threshold) is not one either:
    # it depends on the machine and its load. It is listed, and named in a note.
    written = [os.path.basename(m) for m in re.findall(r"Test unit written to (\S+)", text)]
    found = set(written) | (set(os.listdir(crashes)) - before)
    res["slow_units"] = sorted(f for f in found if f.startswith("slow-unit-"))
    res["crashes"] = sorted(found - set(res["slow_units"]))
    if res["slow_units"]:
        res["note"] = "slow units (time depends on the machine; replay them to see): " + ", ".join(res["slow_units"])
    if res["crashes"] or res["executions"] == 0:
        tail = [l for l in text.splitlines() if re.search(r"invariant|trapped|ERROR|SUMMARY|Test unit written", l)]
        res["error"] = "exit %d%s\n%s" % (rc, ", nothing executed" if res["executions"] == 0 else "", "\n".join(tail[-12:]))
    elif rc != 0 and not res["slow_units"]:
        res["note"] = "exit %d without a crash (stopped after %.0f s)" % (rc, res["seconds"])
    return res


t0 = time.time()
with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
    results = list(pool.map(fuzz, args.targets))
for r in results:
    status = "CRASH" if "error" in r else "clean"
    print("fuzz %-13s %-5s %4.0f s %10d runs  corpus %5d  regressions %d%s" %
          (r["target"], status, r["seconds"], r["executions"], r["corpus"], r["regressions"],
           "" if r.get("seed") is None else "  seed %d" % r["seed"]))
    if "note" in r:
        print("  " + r["note"])
    if "error" in r:
        print("  " + r["error"].replace("\n", "\n  "))
        for c in r["crashes"]:
            print("  crash input: %s" % os.path.join(FUZZ, "crashes", r["target"], c))
passed = sum(1 for r in results if "error" not in r)
failed = len(results) - passed
stats_path = "build/fuzz-stats.json"
stats = {}
if os.path.exists(stats_path):
    try:
        stats = json.load(open(stats_path))
    except ValueError:
        stats = {}
stats.setdefault("runs", {})
stats["runs"][args.suite or "fuzz"] = {"seconds_per_target": None if RUNS else args.time, "runs_per_target": RUNS or None, "jobs": args.jobs,
                                       "wall_seconds": round(time.time() - t0, 1), "targets": results}
stats["last"] = args.suite or "fuzz"
with open(stats_path, "w") as f:
    json.dump(stats, f, indent=1)
print("fuzz: %d targets clean, %d crashed; %.0f s wall" % (passed, failed, time.time() - t0))
if args.suite:
    os.makedirs("build/test-results", exist_ok=True)
    with open("build/test-results/%s.json" % args.suite, "w") as f:
        f.write(json.dumps({"passed": passed, "failed": failed}) + "\n")
sys.exit(1 if failed else 0)
