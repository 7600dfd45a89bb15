"""Writes the C source release (make dist-c): the tree build/dist/opaygo-c-VERSION/ and its
reproducible archives, opaygo-c-VERSION.tar.gz and .zip. What the tree holds: bindings/c/dist/README.md.

Each profile's amalgamation, opaygo-PROFILE.c, is bindings/c/opaygo.c with the profile's branches
chosen (unifdef) and every local file it includes written in its place, once: the wasm2c output
of make c (build/c/), wabt's wasm-rt.h, the runtime shim. It compiles to the same code as the
profile's library of make c / make cortex-m, which is the same translation unit.

Usage: python3 scripts/dist-c.py --version V --out DIR [--size-libs DIR...] [--tests FILE...] [--interp [SUBDIR:]FILE...]
         [--interp-build BACKEND SOURCES DEFINES]...
         --profile NAME --module-c FILE --define NAME=VALUE... --lib LIBRARY --wasm FILE --wasm-gen DIR
         --wasm3 heap=N,stack=N,page=N,float=N --wamr heap=N,stack=N --toywasm heap=N,stack=N
         --vectors FILE   (each profile: mk/release.mk)
--interp: the interpreter glue, copied to interp/ (or interp/SUBDIR/); --interp-build: each interpreter's
source files and defines as mk/ builds them, written into the CMake package (never their sources).
The archives are written beside DIR: DIR.tar.gz, DIR.zip. --size-libs: build/arm/<cpu> directories holding
libopaygo-PROFILE.a, whose text and bss the README gives per profile (the same code)."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C_DIR = "bindings/c"
TEMPLATES = "bindings/c/dist"
WASM_RT_LICENSE = "/usr/share/common-licenses/Apache-2.0"
WABT = subprocess.run(["wasm2c", "--version"], capture_output=True, text=True).stdout.strip() or "unknown version"
BACKENDS = ("wasm3", "wamr", "toywasm")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"\s*$')


def run(*cmd, ok=(0,)):
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode not in ok:
        sys.exit(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return r.stdout


def source_commit():
    """The commit and the epoch of its time (the archives' file times), and whether the tree differs."""
    if not os.path.isdir(os.path.join(ROOT, ".git")) and not os.path.isfile(os.path.join(ROOT, ".git")):
        return "unknown (not a git checkout)", int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    commit = run("git", "rev-parse", "HEAD").strip()
    epoch = int(run("git", "log", "-1", "--format=%ct").strip())
    dirty = run("git", "status", "--porcelain", "--untracked-files=no", "--", "assembly", "bindings", "scripts", "tests/c",
                "tests/mcu", "abi", "asconfig.json", "package.json", "LICENSE").strip()
    return commit + (" with local changes" if dirty else ""), epoch


class Flattener:
    """Writes a C file with the local includes it names replaced by their text, each file once."""

    def __init__(self, search, keep):
        self.search, self.keep, self.done = search, keep, set()

    def find(self, name, here):
        for d in [here] + self.search:
            path = os.path.normpath(os.path.join(d, name))
            if os.path.exists(path):
                return path
        sys.exit(f"{name}: not found in {[here] + self.search}")

    def text(self, path, body=None):
        out = []
        for line in (body if body is not None else open(path).read()).splitlines():
            m = INCLUDE.match(line)
            if not m or m.group(1) in self.keep:
                out.append(line)
                continue
            inc = self.find(m.group(1), os.path.dirname(path))
            if inc in self.done:
                continue
            self.done.add(inc)
            rel = os.path.relpath(inc, ROOT)
            if rel.startswith(("build" + os.sep, "..")):  # generated: named alike wherever it was made
                rel = os.path.basename(inc)
            out.append(f"/* ==== {rel} {'=' * max(0, 88 - len(rel))} */")
            out.append(self.text(inc))
            out.append(f"/* ==== end of {rel} */")
        return "\n".join(out)


def unifdef(path, defines):
    """The file with the branches on these macros resolved (unifdef exits 1 when it changed something)."""
    return run("unifdef", "-x", "2", *[f"-D{d}" for d in defines], path, ok=(0, 1))


def amalgamation(p, version, commit):
    defines = dict(d.split("=", 1) for d in p.define)
    # Every macro opaygo.c branches on, given: OPAYGO_INTERP (the interpreter backend) is not this file.
    chosen = {"OPAYGO_INTERP": "0", "OPAYGO_FULL": "0", "OPAYGO_TOKEN_ONLY": "0", **defines}
    body = unifdef(os.path.join(C_DIR, "opaygo.c"), [f"{k}={v}" for k, v in chosen.items()])
    module_dir = os.path.dirname(p.module_c)
    flat = Flattener([module_dir, "build/c", C_DIR], keep={"opaygo.h"})
    flat.done.add(os.path.join(C_DIR, "opaygo.c"))
    code = flat.text(os.path.join(C_DIR, "opaygo.c"), body)
    profile_defs = "".join(f"#ifndef {k}\n#define {k} {v}\n#endif\n" for k, v in chosen.items() if k != "OPAYGO_INTERP")
    checks = "".join(f"#if defined({k}) && {k} != {v}\n#error \"opaygo-{p.name}.c is built with {k}={v}: "
                     f"compile it (and code that includes opaygo.h for it) with that, or without {k}\"\n#endif\n"
                     for k, v in chosen.items() if k != "OPAYGO_INTERP")
    head = f"""/* opaygo-{p.name}.c: the opaygo-wasm C library, {p.name} profile, in one file (with opaygo.h).
 * opaygo-wasm {version}, source commit {commit}.
 * Generated by make dist-c (scripts/dist-c.py): bindings/c/opaygo.c with the {p.name} profile's
 * branches chosen and the files it includes written in place, among them the wasm2c (wabt {WABT})
 * translation of the profile's module ({os.path.basename(p.module_c)} of make c, adapted by
 * scripts/wasm2c-mcu.py) and wabt's wasm-rt.h (Apache-2.0; its notice is below and in LICENSE).
 * Do not edit: the code is generated from AssemblyScript (assembly/).
 * Compile it as it is, with any C99 compiler; it needs opaygo.h beside it and, from the C library,
 * only memcpy, memset and memcmp (and the compiler's runtime, libgcc, for 64-bit arithmetic on
 * small cores). README.md says how to use it. */
{checks}{profile_defs}#define WASM_RT_MEMCHECK_SIGNAL_HANDLER 0
#define WASM_RT_USE_STACK_DEPTH_COUNT 0
#ifndef NDEBUG
#define NDEBUG /* the generated code's asserts only check its own initialisation order */
#endif
"""
    return head + code + "\n"


def public_header(version, commit):
    flat = Flattener([C_DIR], keep=set())
    text = flat.text(os.path.join(C_DIR, "opaygo.h"))
    return f"/* opaygo-wasm {version}, source commit {commit}; opaygo_abi.h (generated from abi/abi.json) included. */\n" + text + "\n"


def wasm_array(name, data, version, commit):
    ident = f"opaygo_{name}_wasm"
    rows = ",\n".join("  " + ", ".join(str(b) for b in data[i:i + 20]) for i in range(0, len(data), 20))
    return (f"/* opaygo-{name}.wasm ({len(data)} bytes) as a C array, for an interpreter that reads the module\n"
            f" * from flash. opaygo-wasm {version}, source commit {commit}; written by make dist-c. */\n"
            "#include <stdint.h>\n\n"
            f"const uint32_t {ident}_size = {len(data)}u;\n"
            f"const uint8_t {ident}[{len(data)}] = {{\n{rows}\n}};\n")


def lib_size(path):
    out = run("arm-none-eabi-size", "-t", path).strip().splitlines()[-1].split()
    return int(out[0]), int(out[2])


def memory_required(wasm):
    sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
    from size_report import memory_used
    return memory_used(os.path.join(ROOT, wasm))


def figures(profiles, size_libs):
    """The README's table: per profile, library text / bss per Cortex-M target, linear memory."""
    cpus = [os.path.basename(d.rstrip("/")) for d in size_libs]
    head = "| profile | " + " | ".join(f"{c} text / .bss" for c in cpus) + " | memory for `opaygo_init` | `.wasm` | heap: wasm3 / WAMR / toywasm |"
    rows = [head, "|" + " --- |" * (len(cpus) + 4)]
    for p in profiles:
        cells = [f"{t:,} / {b:,}" for t, b in (lib_size(os.path.join(d, p.lib)) for d in size_libs)]
        rows.append(f"| {p.name} | " + " | ".join(cells) + f" | {memory_required(p.wasm):,} | {os.path.getsize(p.wasm):,} |"
                    f" {int(p.wasm3['heap']):,} / {int(p.wamr['heap']):,} / {int(p.toywasm['heap']):,} |")
    return "\n".join(rows)


def write(out, rel, text, binary=False):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if binary else "w") as f:
        f.write(text)


def copy(src, out, rel):
    os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
    shutil.copyfile(src, os.path.join(out, rel))


def templates(out, subst):
    """bindings/c/dist/ into the tree, @NAME@ replaced (text files)."""
    for d, _, files in os.walk(TEMPLATES):
        for f in files:
            src = os.path.join(d, f)
            rel = os.path.relpath(src, TEMPLATES)
            text = open(src).read()
            for k, v in subst.items():
                text = text.replace(f"@{k}@", v)
            left = re.findall(r"@[A-Z][A-Z0-9_]+@", text)
            if left:
                sys.exit(f"{src}: no value for {left}")
            write(out, rel, text)


def pack(out, base, epoch):
    """tar.gz and zip of the tree, byte for byte the same whoever builds them from the same commit."""
    parent, name = os.path.split(out)
    tar = subprocess.run(["tar", "--sort=name", f"--mtime=@{epoch}", "--owner=0", "--group=0", "--numeric-owner",
                          "--mode=u=rwX,go=rX", "--format=gnu", "-cf", "-", "-C", parent, name],
                         capture_output=True, check=True).stdout
    gz = subprocess.run(["gzip", "-9", "-n"], input=tar, capture_output=True, check=True).stdout
    with open(base + ".tar.gz", "wb") as f:
        f.write(gz)
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip times start in 1980
    paths = sorted(os.path.relpath(os.path.join(d, f), parent) for d, _, fs in os.walk(out) for f in fs)
    with zipfile.ZipFile(base + ".zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for rel in paths:
            info = zipfile.ZipInfo(rel.replace(os.sep, "/"), stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(os.path.join(parent, rel), "rb") as f:
                z.writestr(info, f.read())


class Profile(argparse.Namespace):
    pass


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--size-libs", nargs="+", default=[])
    ap.add_argument("--tests", nargs="+", default=[], help="files copied to tests/")
    ap.add_argument("--interp", nargs="+", default=[], help="interpreter glue copied to interp/ ([SUBDIR:]FILE)")
    ap.add_argument("--interp-build", nargs=3, action="append", default=[], metavar=("BACKEND", "SOURCES", "DEFINES"))
    args, rest = ap.parse_known_args()
    profiles, p = [], None
    it = iter(rest)
    for flag in it:
        if flag == "--profile":
            p = Profile(name=next(it), define=[])
            profiles.append(p)
        elif p is None:
            ap.error(f"{flag} before --profile")
        elif flag == "--define":
            p.define.append(next(it))
        elif flag in ("--module-c", "--lib", "--wasm", "--wasm-gen", "--vectors"):
            setattr(p, flag[2:].replace("-", "_"), next(it))
        elif flag in ("--" + b for b in BACKENDS):
            setattr(p, flag[2:], dict(kv.split("=") for kv in next(it).split(",")))
        else:
            ap.error(f"unknown argument {flag}")
    return args, profiles


def main():
    os.chdir(ROOT)
    args, profiles = parse()
    commit, epoch = source_commit()
    out = args.out.rstrip("/")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for p in profiles:
        write(out, f"opaygo-{p.name}.c", amalgamation(p, args.version, commit))
        data = open(p.wasm, "rb").read()
        write(out, f"wasm/opaygo-{p.name}.wasm", data, binary=True)
        write(out, f"wasm/opaygo-{p.name}-wasm.c", wasm_array(p.name, data, args.version, commit))
        for f in ("opaygo_module.c", "opaygo_exports.h"):
            copy(os.path.join(p.wasm_gen, f), out, f"interp/{p.name}/{f}")
        copy(p.vectors, out, f"tests/vectors-{p.name}.c")
    write(out, "opaygo.h", public_header(args.version, commit))
    for f in args.tests:
        copy(f, out, f"tests/{os.path.basename(f)}")
    for spec in args.interp:
        sub, _, f = spec.rpartition(":")
        copy(f, out, os.path.join("interp", sub, os.path.basename(f)))
    license_text = open("LICENSE").read() + (
        "\n\n---------------------------------------------------------------------------------------\n"
        f"opaygo-PROFILE.c holds wasm-rt.h of wabt {WABT} (the WebAssembly Binary Toolkit), Copyright 2018\n"
        "WebAssembly Community Group participants, under the Apache License, Version 2.0:\n\n"
        + open(WASM_RT_LICENSE).read())
    write(out, "LICENSE", license_text)
    names = " ".join(p.name for p in profiles)
    settings = "\n".join(f"set(OPAYGO_{b.upper()}_{k.upper()}_{p.name} {v})"
                         for b in BACKENDS for p in profiles for k, v in sorted(getattr(p, b).items()))
    builds = "\n".join(f"set(OPAYGO_{b.upper()}_SOURCES {sources})\nset(OPAYGO_{b.upper()}_DEFINES {defines})"
                       for b, sources, defines in args.interp_build)
    defines = "\n".join(f"set(OPAYGO_DEFINES_{p.name} {' '.join(p.define)})" for p in profiles)
    readme = open(os.path.join(TEMPLATES, "README.md")).read()
    for p in profiles:
        if f"`opaygo-{p.name}.c`" not in readme:
            sys.exit(f"{TEMPLATES}/README.md: say which device opaygo-{p.name}.c is for")
    templates(out, {
        "VERSION": args.version,
        "COMMIT": commit,
        "PROFILES": names,
        "PROFILE_DEFINES": defines,
        "INTERP_SETTINGS": settings,
        "INTERP_BUILDS": builds,
        "FIGURES": figures(profiles, args.size_libs),
        "MAKE_DEFINES": "\n".join(f"OPAYGO_DEFINES_{p.name} := {' '.join('-D' + d for d in p.define)}" for p in profiles),
    })
    pack(out, out, epoch)
    print(f"dist-c: {out}.tar.gz, {out}.zip ({commit})")


if __name__ == "__main__":
    main()
