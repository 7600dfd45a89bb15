#!/bin/bash
# The C source release checked from its archive alone, with nothing on PATH but compilers, CMake,
# make, QEMU and a few file tools (tests/dist/check.sh runs this under env -i with such a PATH).
# Usage: from-archive.sh ARCHIVE.tar.gz WORK   (WORK/inputs: what check.sh prepared before)
# Prints "ok NAME" / "FAIL NAME" per check, then "from the archive: N passed, M failed".
set -u
ARCHIVE=$1
W=$2
IN=$W/inputs
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
# check NAME COMMAND...: the command's output kept in WORK/logs/NAME.log, shown when it fails.
check() {
  local name=$1 log=$W/logs/${1//[^A-Za-z0-9_.-]/_}.log start=$SECONDS
  shift
  if "$@" > "$log" 2>&1; then ok "$name [$((SECONDS - start)) s]"; else fail "$name"; tail -n 30 "$log"; fi
}
mkdir -p "$W/logs"

# ---- no generator here -------------------------------------------------------------------------
present=""
for tool in node npm npx asc python python3 wasm2c wasm-opt wasm-validate wasm-objdump unifdef; do
  command -v "$tool" > /dev/null 2>&1 && present="$present $tool"
done
if [ -z "$present" ]; then ok "no generator on PATH (PATH=$PATH)"; else fail "on PATH:$present"; fi

# ---- unpacked into an empty directory ----------------------------------------------------------
mkdir -p "$W/empty"
if [ -z "$(ls -A "$W/empty")" ] && tar xzf "$ARCHIVE" -C "$W/empty"; then ok "unpacked into an empty directory"; else fail "unpack"; fi
SRC=$(echo "$W"/empty/opaygo-c-*)
PROFILES=$(sed -n 's/^set(OPAYGO_PROFILES \(.*\))$/\1/p' "$SRC/CMakeLists.txt")
defines() { sed -n "s/^set(OPAYGO_DEFINES_$1 \(.*\))\$/\1/p" "$SRC/CMakeLists.txt" | sed 's/[^ ][^ ]*/-D&/g'; }

# ---- each amalgamation with gcc and clang, C99, sanitized: the vectors, the official procedure,
# the state store (and, for the Metrics profiles, the metrics vectors made before this step) ----
SAN="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
STRICT="-std=c99 -Wall -Wextra -Werror"
build_and_run() { # CC PROFILE NAME SOURCES...
  local cc=$1 p=$2 name=$3 out=$W/host/$1-$2-$3
  shift 3
  $cc $STRICT $SAN $(defines "$p") -I"$SRC" -I"$SRC/tests" "$@" "$W/host/$cc-$p.o" -o "$out" && "$out"
}
mkdir -p "$W/host"
for cc in gcc clang; do
  for p in $PROFILES; do
    check "$cc: opaygo-$p.c compiles (-std=c99 -pedantic -Wall -Wextra -Werror)" \
      $cc $STRICT -pedantic $SAN -c "$SRC/opaygo-$p.c" -o "$W/host/$cc-$p.o"
    check "$cc: opaygo-$p.c unoptimised needs nothing of libc but string.h" sh -c \
      "$cc $STRICT -O0 -c '$SRC/opaygo-$p.c' -o '$W/host/$cc-$p-O0.o' && nm -u '$W/host/$cc-$p-O0.o' | awk '{print \$2}' |
       grep -v -E '^(memcpy|memset|memcmp|memmove|opaygo_trap_handler)\$' | tee /dev/stderr | wc -l | grep -q '^0\$'"
    check "$cc: opaygo-$p.c passes the token vectors and the official procedure (ASan, UBSan)" \
      build_and_run $cc "$p" vectors "$SRC/tests/suite.c" "$SRC/tests/vectors-$p.c" "$SRC/tests/host_main.c"
    check "$cc: opaygo-$p.c keeps its state through power cuts (tests/store_test.c)" \
      build_and_run $cc "$p" store "$SRC/tests/store_test.c"
    [ -f "$IN/metrics-vectors-$p.c" ] && [ $cc = gcc ] &&
      check "$cc: opaygo-$p.c passes make c's vectors, the metrics vectors among them" \
        build_and_run $cc "$p" metrics "$SRC/tests/suite.c" "$IN/metrics-vectors-$p.c" "$SRC/tests/board_main.c"
  done
done

# ---- the README's firmware quick start (repository's and archive's), compiled as written -------
awk '/^```c$/ { on = 1; n++; next } /^```$/ { on = 0 } on { print > (dir "/readme-" n ".c") }' dir="$W/host" "$SRC/README.md"
n=0
for block in "$W"/host/readme-*.c "$IN"/repo-readme-*.c; do
  [ -f "$block" ] || continue
  n=$((n + 1))
  check "README C block $(basename "$block") compiles as written and runs" \
    build_and_run gcc device "$(basename "$block" .c)" "$block" "$IN/readme_main.c"
done
[ $n -ge 2 ] && ok "README C blocks found: $n" || fail "README C blocks found: $n"

# ---- the CMake package on x86-64: build, ctest, install, find_package, FetchContent, opaygo.mk ----
X=$W/cmake-x86
check "cmake x86-64: configure, build" sh -c "cmake -S '$SRC' -B '$X' -DCMAKE_C_FLAGS='-O1 -Wall -Wextra -Werror' > /dev/null && cmake --build '$X' -j 2"
check "cmake x86-64: ctest (tests/, every profile)" ctest --test-dir "$X" --output-on-failure
check "cmake --install" cmake --install "$X" --prefix "$W/prefix"
check "find_package(opaygo) from a second project" sh -c "cmake -S '$IN/consumer' -B '$W/consumer' -DCMAKE_PREFIX_PATH='$W/prefix' > /dev/null &&
  cmake --build '$W/consumer' && '$W/consumer/use-token' && '$W/consumer/use-device'"
check "FetchContent of the archive from a second project" sh -c "cmake -S '$IN/consumer' -B '$W/fetch' -DOPAYGO_URL='file://$ARCHIVE' > /dev/null &&
  cmake --build '$W/fetch' && '$W/fetch/use-token' && '$W/fetch/use-device'"
check "opaygo.mk from a Makefile" sh -c "cp -R '$IN/consumer' '$W/make' && make -C '$W/make' OPAYGO='$SRC' use-token && '$W/make/use-token'"

# ---- Cortex-M0+ and M3 with the archive's toolchain file: the library figures of make size -------
arm_build() { # CPU DIR EXTRA_CMAKE_ARGS...
  local cpu=$1 dir=$2
  shift 2
  cmake -S "$SRC" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$SRC/cmake/arm-none-eabi.cmake" -DOPAYGO_CPU="$cpu" \
    -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" "$@" > /dev/null && cmake --build "$dir" -j 2
}
same_text() { # CPU DIR: each library's text is the make-built library's (the same code)
  local p got want status=0
  for p in $PROFILES; do
    got=$(arm-none-eabi-size -t "$2/libopaygo-$p.a" | tail -n 1 | awk '{print $1}')
    want=$(awk -v c="$1" -v p="$p" '$1 == c && $2 == p { print $3 }' "$IN/library-text.txt")
    echo "$1 $p: archive $got, make $want"
    [ -n "$got" ] && [ "$got" = "$want" ] || status=1
  done
  return $status
}
only_string_h() { # DIR: what the libraries take from outside: string.h, libgcc, the trap handler
  local p bad status=0
  for p in $PROFILES; do
    bad=$(arm-none-eabi-nm -u "$1/libopaygo-$p.a" | awk '{print $2}' | grep -v -E '^(memcpy|memset|memcmp|memmove|opaygo_trap_handler|__.*)$')
    echo "$p: ${bad:-nothing else}"
    [ -z "$bad" ] || status=1
  done
  return $status
}
M0=$W/cmake-m0plus
check "cmake Cortex-M0+ (arm-none-eabi): build" arm_build cortex-m0plus "$M0" -DOPAYGO_TESTS=OFF
check "Cortex-M0+ library text = make cortex-m's" same_text cortex-m0plus "$M0"
check "Cortex-M0+ libraries need nothing of libc but string.h" only_string_h "$M0"
M3=$W/cmake-m3
QEMU="qemu-system-arm;-M;mps2-an385;-nographic;-monitor;none;-serial;none;-semihosting-config;enable=on,target=native;-kernel"
check "cmake Cortex-M3: build (tests/ and examples/keypad)" arm_build cortex-m3 "$M3" -DOPAYGO_TESTS=ON -DOPAYGO_EXAMPLES=ON \
  -DCMAKE_CROSSCOMPILING_EMULATOR="$QEMU"
check "Cortex-M3 library text = make cortex-m's" same_text cortex-m3 "$M3"
check "Cortex-M3 under QEMU: vectors, official procedure, state store (ctest)" timeout 600 ctest --test-dir "$M3" --output-on-failure
# The keypad firmware, twice on one flash: the second boot has the first one's state.
keypad() { timeout 60 qemu-system-arm -M mps2-an385 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$M3/examples/keypad/keypad.elf" -append "$*"; }
rm -f "$W/keypad-flash.bin"
check "keypad example: a new device takes tokens" sh -c "$(declare -f keypad); M3='$M3'; keypad flash='$W/keypad-flash.bin' t=1700000000 380589011 302249011 |
  tee /dev/stderr | grep -q '^302249011: OPAYGO_ADD_TIME'"
check "keypad example: after a power cycle the state is kept, the same token refused" sh -c "$(declare -f keypad); M3='$M3';
  out=\$(keypad flash='$W/keypad-flash.bin' t=1700003600 302249011); echo \"\$out\";
  echo \"\$out\" | grep -q '^boot: state loaded' && echo \"\$out\" | grep -q '^302249011: OPAYGO_ALREADY_USED' &&
  echo \"\$out\" | grep -q 'count 4, credit 169200 s, outputs on'"

# ---- each interpreter backend (interp/), its sources from a path, on x86-64: the token profile's
# vectors, procedure and store (make test-mcu-wasm3, test-mcu-wamr, test-mcu-toywasm run every
# module on each on the Cortex-M3 and x86-64) ----------------------------------------------------
for backend in wasm3 wamr toywasm; do
  dir=$(echo "$backend" | tr a-z A-Z)
  if [ -d "$IN/$backend" ]; then
    check "cmake x86-64, OPAYGO_BACKEND=$backend: the token profile's vectors, procedure, store (ctest)" sh -c "cmake -S '$SRC' \
      -B '$W/cmake-$backend' -DOPAYGO_BACKEND=$backend -DOPAYGO_${dir}_DIR='$IN/$backend' -DCMAKE_C_FLAGS=-O1 > /dev/null &&
      cmake --build '$W/cmake-$backend' -j 2 --target opaygo-test-token opaygo-store-test-token &&
      ctest --test-dir '$W/cmake-$backend' --output-on-failure -R 'test-token\$'"
  else
    fail "no $backend sources given"
  fi
done

echo "from the archive: $passed passed, $failed failed"
[ $failed -eq 0 ]
