#!/usr/bin/env bash
# Installs everything the build, the tests and the benchmarks need on a fresh Debian machine:
# system packages (apt), the Python test peers (pip) and the npm packages. Safe to run again:
# it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# wabt: wasm2c, wasm-validate, wasm-objdump; arm-none-eabi + newlib: Cortex-M builds; qemu: the
# emulated Cortex-M3 test run; clang: fuzzing; valgrind: instruction counts in the benchmarks;
# chromium: the sim's HTML report is checked headless; make/g++: better-sqlite3 builds from source;
# openssl: the server tests make a self-signed certificate for HTTPS; postgresql: the server's
# multi-process tests; lld, wasi-libc and the wasm32 compiler-rt builtins: clang builds wasm3 for
# WASI (make wasm3-wasi); patch: the fixes applied to the interpreters' fetched sources (make
# mcu-wasm, mk/wamr-toywasm.mk; clang builds toywasm); the RISC-V (rv32imc) builds and their QEMU
# (make test-riscv): gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf, qemu-system-misc;
# systemd: systemd-analyze checks the server's example unit file (tests/package.test.ts);
# unifdef: the C source release's amalgamations (make dist-c); cmake: its CMake package, checked
# from the archive (make test-dist); libclang-rt-14-dev: clang's sanitizer and fuzzer runtimes.
APT_PACKAGES=(make gcc g++ python3 python3-pip openssl wabt gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm clang valgrind chromium postgresql lld wasi-libc libclang-rt-14-dev-wasm32 patch systemd unifdef cmake libclang-rt-14-dev
              gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The wasmi driver (tests/interp/wasmi-driver) is built with cargo: the machine's Rust, else Debian's.
if ! command -v cargo >/dev/null; then
  echo "install-deps: apt-get install cargo rustc"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq cargo rustc >/dev/null
fi

# The Python peers at exactly the pinned versions (a machine may hold others already).
if ! python3 - tests/peers/requirements.txt <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
pins = [l.split("#")[0].strip() for l in open(sys.argv[1])]
try:
    ok = all(version(n) == v for n, v in (p.split("==") for p in pins if p))
except PackageNotFoundError:
    ok = False
sys.exit(0 if ok else 1)
PY
then
  echo "install-deps: pip install -r tests/peers/requirements.txt"
  python3 -m pip install -q --disable-pip-version-check -r tests/peers/requirements.txt ||
    python3 -m pip install -q --disable-pip-version-check --break-system-packages -r tests/peers/requirements.txt
fi

# npm ci: exactly the versions in package-lock.json (cbor-extract is held at 2.2.2 by an override:
# the registry here has no 2.2.3 prebuilt packages, which made the lock file unusable for npm ci).
if [ ! -f node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
