#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian/Ubuntu machine (CI).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# --- firmware: wasm2c + C library, Cortex-M builds, QEMU tests, wasm interpreters -------------
apt-get update
apt-get install -y wabt gcc make python3 python3-pip gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
python3 -m pip install pywasm3==0.5.0 || python3 -m pip install --break-system-packages pywasm3==0.5.0
# wasmi driver (tests/interp/wasmi-driver): Rust from the machine, else Debian's
command -v cargo >/dev/null || apt-get install -y cargo rustc
