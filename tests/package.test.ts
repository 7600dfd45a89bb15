// The npm package as a user gets it: `npm pack`, installed from the tarball into scratch projects
// with nothing but the registry, then used from TypeScript (type-checked), plain ESM, the CLI and
// AssemblyScript (examples/). The codec installs with no native module; `opaygo sim` asks for the
// optional SQLite driver until it is installed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { spawnSync } from "node:child_process";
import { ROOT } from "./helpers.js";

// Outside the checkout, so that nothing resolves to the project's own node_modules.
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-package-"));
const APP = path.join(WORK, "app");
const AS_APP = path.join(WORK, "as-app");
let tarball = "";

// The versions the project itself builds and tests with, so the scratch projects match them.
const ours = (name: string): string => JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version;

function run(cmd: string, args: string[], cwd: string, extra: { env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 600_000, maxBuffer: 64 << 20, env: { ...process.env, ...extra.env } });
  return { status: r.status, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}
function ok(cmd: string, args: string[], cwd: string) {
  const r = run(cmd, args, cwd);
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} (in ${cwd}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-4000)}`);
  return r;
}
const npmInstall = (cwd: string, specs: string[]) => ok("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...specs], cwd);
function project(dir: string, name: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }, null, 2) + "\n");
}

before(() => {
  // The README's order: `make build` (CI's build, before this suite), then `npm pack`, whose
  // prepack builds wasm3-wasi under npm's PATH (node_modules/.bin first): its link is redone here.
  fs.rmSync(path.join(ROOT, "build/wasm3-wasi/wasm3.wasm"), { force: true });
  ok("npm", ["pack", "--pack-destination", WORK], ROOT); // prepack: make build wasm3-wasi npm-dist
  const { name, version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  tarball = path.join(WORK, `${name}-${version}.tgz`);
  project(APP, "opaygo-app");
  npmInstall(APP, [tarball, `typescript@${ours("typescript")}`, `@types/node@${ours("@types/node")}`]);
}, { timeout: 900_000 });

after(() => fs.rmSync(WORK, { recursive: true, force: true }));

test("the tarball holds the modules, the compiled JS and types, the AssemblyScript and C sources; no tests or vectors", () => {
  const files = ok("tar", ["tzf", tarball], WORK).stdout.split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
  for (const f of ["build/opaygo.wasm", "build/opaygo-device.wasm", "build/opaygo-seed.wasm", "build/opaygo-lean.wasm", "build/opaygo-token.wasm", "build/wasm3-wasi/wasm3.wasm", "bin/opaygo.js", "build/js/cli/main.js",
    "build/js/bindings/index.js", "build/js/bindings/index.d.ts", "build/js/bindings/server.d.ts", "assembly/index-device.ts",
    "index.ts", "bindings/c/opaygo.h", "README.md", "package.json",
    // the pages' chart module and uPlot with its licence (make ui)
    "build/ui/charts.js", "build/ui/charts.css", "build/ui/report.js", "build/ui/report.css",
    "build/ui/vendor/uPlot.js", "build/ui/vendor/uPlot.min.css", "build/ui/vendor/uPlot.LICENSE"]) assert.ok(files.includes(f), `${f} is in the tarball`);
  // (the C source release in dist/c/ carries its acceptance test, with its vectors as C arrays)
  assert.deepEqual(files.filter((f) => !f.startsWith("dist/c/") && /^tests\/|vectors|\.map$|^build\/js\/tests\//.test(f)), []);
});

test("dist/c/ holds the C source release, file for file make dist-c's archive, and compiles from node_modules", () => {
  const files = ok("tar", ["tzf", tarball], WORK).stdout.split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const archive = path.join(ROOT, "build/dist", `opaygo-c-${version}.tar.gz`);
  const released = ok("tar", ["tzf", archive], WORK).stdout.split("\n").filter((f) => f && !f.endsWith("/"))
    .map((f) => f.replace(/^[^/]+\//, "")).sort();
  assert.deepEqual(files.filter((f) => f.startsWith("dist/c/")).map((f) => f.slice("dist/c/".length)).sort(), released);
  for (const f of ["opaygo-device.c", "opaygo-token.c", "opaygo.h", "CMakeLists.txt", "README.md", "LICENSE"]) assert.ok(released.includes(f), f);
  assert.deepEqual(files.filter((f) => f.startsWith("bindings/c/dist/")), [], "the release's templates stay out");
  // A firmware build straight from the installed package: two files and a C99 compiler.
  const dir = path.join(APP, "node_modules", "opaygo-wasm", "dist", "c");
  const exe = path.join(WORK, "use-device");
  ok("gcc", ["-std=c99", "-Wall", "-Wextra", "-Werror", "-I", dir, path.join(ROOT, "tests/dist/consumer/use.c"), path.join(dir, "opaygo-device.c"), "-o", exe], WORK);
  assert.match(ok(exe, [], WORK).stdout, /: 1 passed, 0 failed/);
});

test("installing the codec builds no native module", () => {
  const native = ok("find", ["node_modules", "-name", "*.node"], APP).stdout.trim();
  assert.equal(native, "", `native modules: ${native}`);
});

test("TypeScript: examples/node/quickstart.ts type-checks against the package's .d.ts and runs", () => {
  fs.copyFileSync(path.join(ROOT, "examples/node/quickstart.ts"), path.join(APP, "quickstart.ts"));
  fs.writeFileSync(path.join(APP, "tsconfig.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, outDir: "out", types: ["node"] },
    files: ["quickstart.ts"],
  }));
  ok("npx", ["tsc", "-p", "."], APP);
  const r = ok("node", ["out/quickstart.js"], APP);
  assert.match(r.stdout, /: ACCEPTED ADD_TIME 7\n/);
  assert.match(r.stdout, /: valid; answer \d+ B: ACCEPTED\n/);
});

test("the README's TypeScript blocks type-check under strict as written, and run", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length > 0, "the README has TypeScript blocks");
  const files = blocks.map((b, i) => {
    fs.writeFileSync(path.join(APP, `readme-${i}.ts`), b);
    return `readme-${i}.ts`;
  });
  fs.writeFileSync(path.join(APP, "tsconfig.readme.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, outDir: "out-readme", types: ["node"] }, files,
  }));
  ok("npx", ["tsc", "-p", "tsconfig.readme.json"], APP);
  for (const f of files) ok("node", [`out-readme/${f.replace(/\.ts$/, ".js")}`], APP);
});

// The .d.ts files name WebAssembly.Memory (the modules' exports): a project without @types/node
// needs TypeScript's DOM library for it; package.json says so with @types/node as an optional peer.
test("the package's types compile in a project without @types/node (with lib DOM; its .d.ts files checked too)", () => {
  // in the app's folder (its node_modules hold @types/node, which "types": [] leaves out)
  const dir = path.join(APP, "no-node-types");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "check.ts"), `
    import * as all from "opaygo-wasm";
    import { generateToken, decodeToken, type TokenType } from "opaygo-wasm/token";
    import { Device } from "opaygo-wasm/device";
    import { MetricsEncoder, type DataFormat } from "opaygo-wasm/metrics";
    import { verifyRequest, expandRequest, buildAnswer, type VerifyResult } from "opaygo-wasm/server";
    import { CODE_MESSAGES } from "opaygo-wasm/abi";
    export const used = [all, generateToken, decodeToken, Device, MetricsEncoder, verifyRequest, expandRequest, buildAnswer, CODE_MESSAGES];
    export type Used = [TokenType, DataFormat, VerifyResult];
  `);
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", lib: ["ES2022", "DOM"], module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: [], skipLibCheck: false },
    files: ["check.ts"],
  }));
  ok("npx", ["tsc", "-p", "no-node-types"], APP);
  const listed = ok("npx", ["tsc", "-p", "no-node-types", "--listFilesOnly"], APP).stdout;
  assert.doesNotMatch(listed, /@types\/node/, "no file of @types/node in the program");
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  assert.ok(pkg.peerDependencies["@types/node"] && pkg.peerDependenciesMeta["@types/node"].optional, "@types/node is an optional peer");
});

test("examples/cli: every line of the shipped input files is answered, none refused", () => {
  const examples = path.join(APP, "node_modules/opaygo-wasm/examples/cli");
  for (const [file, command, key] of [["metrics-request.jsonl", "request", "condensed"], ["metrics-respond.jsonl", "respond", "payload"], ["metrics-expand.jsonl", "expand", "simple_metrics"]]) {
    const input = fs.readFileSync(path.join(examples, file), "utf8");
    const r = spawnSync("npx", ["opaygo", "metrics", command, "--jsonl"], { cwd: APP, input, encoding: "utf8" });
    assert.equal(r.status, 0, `${file}: ${r.stdout}${r.stderr}`);
    const answers = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(answers.length, input.trim().split("\n").length, file);
    for (const a of answers) assert.ok(a[key] !== undefined, `${file}: ${JSON.stringify(a)}`);
  }
  assert.ok(fs.existsSync(path.join(examples, "README.md")));
});

test("examples/systemd: the unit file in the package passes systemd-analyze verify, run on the package's opaygo", () => {
  const unit = fs.readFileSync(path.join(APP, "node_modules/opaygo-wasm/examples/systemd/opaygo-server.service"), "utf8");
  assert.match(unit, /^ExecStart=\/srv\/opaygo\/node_modules\/\.bin\/opaygo server run /m, "the binary itself, not npx");
  const here = path.join(WORK, "opaygo-server.service");
  fs.writeFileSync(here, unit.replaceAll("/srv/opaygo", APP));
  const r = run("systemd-analyze", ["verify", here], WORK);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.trim(), "", "no warning");
});

test("plain ESM: every entry point imports and works (the ABI codes too), the device on wasm3 too", () => {
  const script = `
    import * as all from "opaygo-wasm";
    import { generateToken, decodeToken } from "opaygo-wasm/token";
    import { Device } from "opaygo-wasm/device";
    import { MetricsEncoder } from "opaygo-wasm/metrics";
    import { verifyRequest, expandRequest, buildAnswer } from "opaygo-wasm/server";
    import { ERR_METRICS_FULL, CODE_MESSAGES } from "opaygo-wasm/abi";
    const key = "bc41ec9530f6dac86b1a29ab82edc5fb";
    const t = generateToken({ key, startingCode: 516959010, count: 1, type: "ADD_TIME", value: 1 });
    const d = decodeToken({ key, startingCode: 516959010, count: 1, token: t.token });
    const dev = new Device({ key, startingCode: 516959010, count: 1 });
    const onWasm3 = new Device({ key, startingCode: 516959010, count: 1, engine: "wasm3" });
    const e = new MetricsEncoder({ serialNumber: "S1", key, authMethod: "sa", dataFormat: { id: 1, data_order: ["token_count"] } });
    e.setRequestCount(1);
    const body = e.condensed();
    console.log(JSON.stringify([t.token, d.type, dev.enterToken(t.token, 1000).result, onWasm3.enterToken(t.token, 1000).result, verifyRequest({ body, key }).result,
      typeof expandRequest, typeof buildAnswer, typeof all.Device, typeof all.verifyRequest, ERR_METRICS_FULL, typeof CODE_MESSAGES[ERR_METRICS_FULL]]));`;
  const r = ok("node", ["--input-type=module", "-e", script], APP);
  assert.deepEqual(JSON.parse(r.stdout), ["588224011", "ADD_TIME", "ACCEPTED", "ACCEPTED", "valid", "function", "function", "function", "function", -20, "string"]);
});

test("npx opaygo: --version, token generate; sim asks for the SQLite driver, a postgres:// database for pg, then sim runs and writes its report once its driver is installed", () => {
  const version = ok("npx", ["opaygo", "--version"], APP).stdout.trim();
  assert.equal(version, JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
  const t = ok("npx", ["opaygo", "token", "generate", "--key", "bc41ec9530f6dac86b1a29ab82edc5fb", "--starting-code", "516959010",
    "--count", "1", "--type", "add", "--value", "1"], APP);
  assert.equal(t.stdout.trim(), "588224011");
  const missing = run("npx", ["opaygo", "sim", "--devices", "2", "--days", "1"], APP);
  assert.equal(missing.status, 2, missing.stderr);
  assert.match(missing.stderr, /npm install better-sqlite3/);
  const noPg = run("npx", ["opaygo", "server", "export", "--db", "postgres://opaygo@/opaygo?host=/nonexistent"], APP);
  assert.equal(noPg.status, 2, noPg.stderr);
  assert.match(noPg.stderr, /npm install pg/);
  npmInstall(APP, [`better-sqlite3@${ours("better-sqlite3")}`]);
  const sim = ok("npx", ["opaygo", "sim", "--devices", "2", "--days", "1", "--json", "--report", "report.html"], APP);
  const result = JSON.parse(sim.stdout);
  const report = fs.readFileSync(path.join(APP, "report.html"), "utf8"); // from the package's build/ui/, uPlot inlined
  assert.match(report, /Permission is hereby granted/);
  assert.match(report, /"uplot":"data:text\/javascript;base64,/);
  assert.equal(result.requests, 48);
  assert.equal(result.accepted, 48);
  assert.equal(result.samples_stored, result.samples_taken);
});

test("AssemblyScript: the example module imports the token engine from the package and passes its as-pect spec", () => {
  fs.cpSync(path.join(ROOT, "examples/assemblyscript"), AS_APP, { recursive: true });
  npmInstall(AS_APP, [tarball, `assemblyscript@${ours("assemblyscript")}`, `@as-pect/cli@${ours("@as-pect/cli")}`]);
  const r = ok("npx", ["asp", "--config", "as-pect.config.js"], AS_APP);
  const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, "");
  assert.match(plain, /\[Tests\]:\s*1\s*\/\s*1/);
});
