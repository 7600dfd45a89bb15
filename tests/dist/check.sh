#!/bin/bash
# make test-dist: the C source release (make dist-c) checked as a firmware team gets it.
#  1. reproducible: the archive made again from the same commit (scripts/dist-c.py over wasm2c output
#     made again, into another directory, another umask) is the same tar.gz and zip, byte for byte;
#     the zip holds the tar's files
#  2. from the archive alone: tests/dist/from-archive.sh, under env -i with a PATH of compilers,
#     CMake, make, QEMU and file tools only (no Node, asc, binaryen, wabt, Python)
# Usage: check.sh ARCHIVE_BASE AGAIN_CMD PROFILE:VECTORS:LIBRARY...   (AGAIN_CMD: the dist-c command
# writing ARCHIVE_BASE's twin; per profile, the C harness's vectors of make c, metrics included,
# and its library's file name in build/arm/<cpu>/: mk/release.mk). Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
BASE=$1
AGAIN=$2
shift 2
W=$(pwd)/build/dist/check
rm -rf "$W" && mkdir -p "$W/inputs" "$W/bin"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

# ---- 1. reproducible ------------------------------------------------------------------------------
if (umask 077 && eval "$AGAIN") > "$W/again.log" 2>&1; then
  for ext in tar.gz zip; do
    if cmp "$BASE.$ext" "$W/again/$(basename "$BASE").$ext"; then ok "made twice, the same $ext"; else fail "made twice, $ext differs"; fi
  done
else
  fail "made again"; tail -n 20 "$W/again.log"
fi
if python3 - "$BASE" <<'PY'; then ok "the zip holds the tar.gz's files"; else fail "the zip and the tar.gz differ"; fi
import sys, tarfile, zipfile
base = sys.argv[1]
with tarfile.open(base + ".tar.gz") as t:
    tar = {m.name: t.extractfile(m).read() for m in t.getmembers() if m.isfile()}
with zipfile.ZipFile(base + ".zip") as z:
    zipped = {n: z.read(n) for n in z.namelist()}
sys.exit(0 if tar == zipped and tar else 1)
PY

# ---- inputs made here, with the generators: vectors beyond the archive's, the README's C block --------
for spec in "$@"; do
  IFS=: read -r p vectors lib <<< "$spec"
  cp "$vectors" "$W/inputs/metrics-vectors-$p.c"
  for cpu in cortex-m0plus cortex-m3; do
    echo "$cpu $p $(arm-none-eabi-size -t "build/arm/$cpu/$lib" | tail -n 1 | awk '{print $1}')"
  done
done > "$W/inputs/library-text.txt"
awk '/^## Firmware quick start/ { s = 1 } /^## / && !/Firmware/ { s = 0 } s && /^```c$/ { on = 1; n++; next } /^```$/ { on = 0 }
     s && on { print > (dir "/repo-readme-" n ".c") }' dir="$W/inputs" README.md
cp tests/dist/readme_main.c "$W/inputs/"
cp -R tests/dist/consumer "$W/inputs/consumer"
# each interpreter's sources as a firmware team has them: pinned, checked and patched (mk/mcu-wasm.mk,
# mk/wamr-toywasm.mk), the patches being those the archive ships
WASM3_SRC=$(echo build/mcu/src/pywasm3-*/wasm3)
[ -f "$WASM3_SRC/wasm3.h" ] && cp -R "$WASM3_SRC" "$W/inputs/wasm3"
for backend in wamr toywasm; do
  [ -f "build/interp/src/$backend/.fetched" ] && cp -R "build/interp/src/$backend" "$W/inputs/$backend"
done

# ---- 2. from the archive alone, no generator on PATH ------------------------------------------------
for tool in bash sh env cat cp mkdir rm ls tail head grep sed awk sort tr wc cmp tee timeout tar gzip basename dirname \
            make cmake ctest gcc cc clang ld as ar ranlib nm \
            arm-none-eabi-gcc arm-none-eabi-ar arm-none-eabi-ranlib arm-none-eabi-nm arm-none-eabi-size qemu-system-arm; do
  path=$(command -v "$tool") || { fail "no $tool here"; continue; }
  ln -s "$path" "$W/bin/$tool"
done
env -i HOME="$W" PATH="$W/bin" LC_ALL=C /bin/bash tests/dist/from-archive.sh "$(pwd)/$BASE.tar.gz" "$W" | tee "$W/from-archive.log"
status=${PIPESTATUS[0]}
line=$(sed -n 's/^from the archive: \([0-9]* passed, [0-9]* failed\)$/\1/p' "$W/from-archive.log" | tail -n 1)
if [ -n "$line" ]; then
  passed=$((passed + ${line%% passed*}))
  failed=$((failed + $(echo "$line" | sed 's/.* passed, \([0-9]*\) failed/\1/')))
else
  failed=$((failed + 1))
fi
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=$((failed + 1))
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
