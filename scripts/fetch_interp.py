"""Fetches the pinned sources of an interpreter backend (bindings/c/opaygo_interp.h) into DEST and
applies our build-time patch (scripts/patches/NAME.patch). Never committed: the sources are a
dependency, built from exactly the commit named here.
Where ../shared/vendor/ holds the archive (a local mirror: its README), it is taken from there and
its SHA-256 checked; otherwise the same commit's archive is downloaded from upstream and its files
checked against the commit's root tree id (git write-tree over the extracted files).
Usage: python3 scripts/fetch_interp.py NAME DEST   (NAME: wamr, toywasm)"""
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request

PINNED = {
    # WAMR (WebAssembly Micro Runtime), Apache-2.0 WITH LLVM-exception
    "wamr": dict(repo="bytecodealliance/wasm-micro-runtime", commit="646b5a9bc786bfdb69f01e136706d524d4466120",
                 tree="58a2c38b5070deca036a69856077c6807434cf9f",
                 sha256="722c775706a007d6b6a516baed59defa73e6718cb5794eb82a0258aa8bc8e8b9"),
    # toywasm, BSD-2-Clause
    "toywasm": dict(repo="yamt/toywasm", commit="6fc2186b1d8d8fdc7330755d8b2adf86baf634ac",
                    tree="0ad302138a9e8b64d92bb5ee757fc615d2c9b321",
                    sha256="675db2ce8f5ca4d418ec083ec1e62b2172938c7244abbc2f180dbc2f0f76ead7"),
}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENDOR = os.path.join(ROOT, "..", "shared", "vendor")


def tree_id(directory):
    """The git root tree id of the files in directory (as git archive wrote them)."""
    with tempfile.TemporaryDirectory() as git_dir:
        env = dict(os.environ, GIT_DIR=git_dir, GIT_WORK_TREE=directory, GIT_INDEX_FILE=os.path.join(git_dir, "index"))
        subprocess.run(["git", "init", "-q"], env=env, check=True)
        subprocess.run(["git", "add", "-A", "-f", "."], env=env, check=True, cwd=directory)
        return subprocess.run(["git", "write-tree"], env=env, check=True, capture_output=True, text=True).stdout.strip()


def main():
    name, dest = sys.argv[1], sys.argv[2]
    pin = PINNED[name]
    prefix = f"{pin['repo'].split('/')[1]}-{pin['commit'][:12]}"
    archive = os.path.join(VENDOR, prefix + ".tar.gz")
    shutil.rmtree(dest, ignore_errors=True)
    work = dest + ".tmp"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if os.path.exists(archive):
        digest = hashlib.sha256(open(archive, "rb").read()).hexdigest()
        if digest != pin["sha256"]:
            sys.exit(f"fetch_interp: {archive}: SHA-256 {digest}, pinned {pin['sha256']}")
        with tarfile.open(archive) as t:
            t.extractall(work, filter="tar") if hasattr(tarfile, "data_filter") else t.extractall(work)
        top = os.path.join(work, prefix)
        print(f"fetch_interp: {name} {pin['commit'][:12]} from {archive} (SHA-256 checked)")
    else:
        url = f"https://github.com/{pin['repo']}/archive/{pin['commit']}.tar.gz"
        path = os.path.join(work, "archive.tar.gz")
        with urllib.request.urlopen(url, timeout=300) as r, open(path, "wb") as f:
            shutil.copyfileobj(r, f)
        with tarfile.open(path) as t:
            t.extractall(work, filter="tar") if hasattr(tarfile, "data_filter") else t.extractall(work)
        os.remove(path)
        (top,) = [os.path.join(work, d) for d in os.listdir(work)]
        tree = tree_id(top)
        if tree != pin["tree"]:
            sys.exit(f"fetch_interp: {url}: tree {tree}, pinned {pin['tree']}")
        print(f"fetch_interp: {name} {pin['commit'][:12]} from {url} (tree id checked)")
    os.rename(top, dest)
    shutil.rmtree(work)
    patch = os.path.join(ROOT, "scripts", "patches", name + ".patch")
    subprocess.run(["patch", "--quiet", "-p1", "-d", dest, "-i", patch], check=True)


if __name__ == "__main__":
    main()
