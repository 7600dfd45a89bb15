#!/usr/bin/env node
// Writes every copy of the module's ABI (codes, enums, Metrics member names) from abi/abi.json:
//   assembly/abi.ts            codes and enums as AssemblyScript constants
//   assembly/metrics/names.ts  the member names as the byte tables of the request encoder and answer reader
//   assembly/server/names.ts   all of them as the server's table (key translation, request members)
//   bindings/c/opaygo_abi.h    OPAYGO_* codes and enums, and the name tables of opaygo_strerror
//   bindings/abi.ts            codes, names, messages and enums for the TypeScript bindings
// Usage: node scripts/gen-abi.mjs [--out DIR]   (DIR: write there instead of the repository, for
// the check that the committed files are up to date: tests/abi.test.ts).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TABLE = "abi/abi.json";
const abi = JSON.parse(fs.readFileSync(path.join(ROOT, TABLE), "utf8"));
const BUILDS = ["token", "device", "full"];

function banner(comment) {
  return `${comment} Generated from ${TABLE} by scripts/gen-abi.mjs: do not edit (change the table, then run node scripts/gen-abi.mjs).`;
}

function check() {
  const seen = new Map();
  const all = [...abi.codes, ...abi.reserved, ...abi.enums.flatMap((e) => e.members)];
  for (const c of all) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(c.name)) throw new Error(`bad name ${c.name}`);
    if (seen.has(c.name)) throw new Error(`${c.name} twice`);
    seen.set(c.name, c);
  }
  const values = new Map();
  for (const c of [...abi.codes, ...abi.reserved]) {
    if (!Number.isInteger(c.value)) throw new Error(`${c.name}: value must be an integer`);
    if (values.has(c.value)) throw new Error(`code ${c.value} twice (${values.get(c.value)}, ${c.name})`);
    values.set(c.value, c.name);
  }
  for (const c of abi.codes) {
    if (!BUILDS.includes(c.build)) throw new Error(`${c.name}: build must be one of ${BUILDS}`);
    if (!["module", "c", "host"].includes(c.layer)) throw new Error(`${c.name}: layer must be module, c or host`);
    if (typeof c.message !== "string" || c.message.includes("\n") || c.message.includes("*/")) throw new Error(`${c.name}: message must be one line`);
  }
  for (const p of abi.keys.pairs) {
    for (const s of [p.condensed, p.simple]) if (!/^[a-z_]{1,255}$/.test(s)) throw new Error(`bad member name ${s}`);
  }
  for (const [k, v] of Object.entries(abi.keys.names)) {
    if (k !== "about" && (!/^[A-Z_]+$/.test(k) || !/^[a-z_]{1,255}$/.test(v))) throw new Error(`bad name ${k}: ${v}`);
  }
}

const moduleCodes = () => abi.codes.filter((c) => c.layer === "module");

// ---- AssemblyScript ----------------------------------------------------------------------------

function assemblyAbi() {
  const out = [banner("//"), "// Result and error codes (i32; negative: errors) and the enums of the exports.", ""];
  for (const c of moduleCodes()) out.push(`export const ${c.name}: i32 = ${c.value}; // ${c.message}`);
  for (const r of abi.reserved) out.push(`// ${r.value} reserved (was ${r.name}): ${r.note}`);
  for (const e of abi.enums) {
    out.push("", `// ${e.doc}`);
    for (const m of e.members) out.push(`export const ${m.name}: i32 = ${m.value};${m.doc ? ` // ${m.doc}` : ""}`);
  }
  return out.join("\n") + "\n";
}

const lengthPrefixed = (s) => [s.length, ...Buffer.from(s, "latin1")];
const byteList = (bytes) => bytes.map((b) => `0x${b.toString(16)}`).join(", ");

function assemblyNames() {
  const pairs = abi.keys.pairs;
  const request = pairs.filter((p) => p.request);
  const answer = pairs.filter((p) => p.answer !== undefined).sort((a, b) => a.answer - b.answer);
  answer.forEach((p, i) => { if (p.answer !== i) throw new Error(`answer slots must be 0..${answer.length - 1}`); });
  const auth = abi.enums.find((e) => e.name === "METRICS_AUTH").members.filter((m) => m.value > 0).sort((a, b) => a.value - b.value);
  auth.forEach((m, i) => { if (m.value !== i + 1 || m.label.length !== 2) throw new Error("auth methods must be 1.. with two-letter prefixes"); });

  const keys = [];
  const offsets = [];
  for (const p of request) {
    offsets.push(`export const K_${p.request}: i32 = ${keys.length};`);
    keys.push(...lengthPrefixed(p.condensed), ...lengthPrefixed(p.simple));
  }
  offsets.push(`// the auth method prefixes ${auth.map((m) => m.label).join(" ")}, two bytes each, by method - 1`);
  offsets.push(`export const K_AUTH_PREFIX: i32 = ${keys.length};`);
  keys.push(...Buffer.from(auth.map((m) => m.label).join(""), "latin1"));
  const answerBytes = answer.flatMap((p) => [...lengthPrefixed(p.condensed), ...lengthPrefixed(p.simple)]);
  return [
    banner("//"),
    "// Metrics member names as byte tables (AssemblyScript stores string literals as UTF-16 objects,",
    "// each its own data segment): each name [length u8][ASCII bytes], the condensed one then the simple one.",
    "",
    `// The request encoder's names: at each K_* offset a pair (${keys.length} bytes).`,
    `export const KEYS: usize = memory.data<u8>([${byteList(keys)}]);`,
    ...offsets,
    "",
    `// The answer reader's members, pairs back to back in slot order: ${answer.map((p) => p.condensed).join(" ")}.`,
    `export const ANSWER_KEYS: usize = memory.data<u8>([${byteList(answerBytes)}]);`,
    `export const ANSWER_KEY_COUNT: i32 = ${answer.length};`,
    "",
  ].join("\n");
}

// The server's table: every pair, in the table's order (the first pair naming a member wins when
// translating), each [member u8][condensed: length u8, bytes][simple: length u8, bytes], where
// member numbers the distinct simple names in order of first appearance; the request members
// come first, as the REQUEST_MEMBER enum numbers them. Then the auth method prefixes.
function assemblyServerNames() {
  const pairs = abi.keys.pairs;
  const simple = [...new Set(pairs.map((p) => p.simple))];
  const members = abi.enums.find((e) => e.name === "REQUEST_MEMBER").members;
  members.forEach((m, i) => {
    const first = pairs.find((p) => p.simple === simple[i]);
    if (m.value !== i || !first || m.label !== first.condensed || !first.request) throw new Error(`REQUEST_MEMBER ${m.name} must be ${i}, the pair of ${simple[i]}`);
  });
  if (simple.length > 32) throw new Error("at most 32 members (the server keeps a bitmask of them)");
  const bytes = pairs.flatMap((p) => [simple.indexOf(p.simple), ...lengthPrefixed(p.condensed), ...lengthPrefixed(p.simple)]);
  const auth = abi.enums.find((e) => e.name === "METRICS_AUTH").members.filter((m) => m.value > 0).sort((a, b) => a.value - b.value);
  return [
    banner("//"),
    "// The server's member names: every pair of the table in its order, each [member u8][condensed:",
    "// length u8, ASCII][simple: length u8, ASCII]; member numbers the distinct simple names (the",
    "// request's members first, as REQUEST_MEMBER numbers them; dct shares dtc's).",
    `export const PAIRS: usize = memory.data<u8>([${byteList(bytes)}]);`,
    `export const PAIRS_LENGTH: i32 = ${bytes.length};`,
    `export const MEMBER_COUNT: i32 = ${simple.length};`,
    "// The members past the request's (REQUEST_MEMBER): the answer's and the data's.",
    ...simple.slice(members.length).map((name, i) => `export const MEMBER_${pairs.find((p) => p.simple === name).condensed.toUpperCase()}: i32 = ${members.length + i};`),
    "// Other names the server reads, each [length u8][ASCII].",
    ...Object.entries(abi.keys.names).filter(([k]) => k !== "about").map(([k, v]) => `export const ${k}: usize = memory.data<u8>([${byteList(lengthPrefixed(v))}]);`),
    `// The auth method prefixes ${auth.map((m) => m.label).join(" ")}, two bytes each, by method - 1.`,
    `export const AUTH_PREFIXES: usize = memory.data<u8>([${byteList([...Buffer.from(auth.map((m) => m.label).join(""), "latin1")])}]);`,
    "",
  ].join("\n");
}

// ---- C -----------------------------------------------------------------------------------------

function cHeader() {
  const out = [
    banner("/*") + " */",
    "/* Result and error codes, and the enums of the API (included by opaygo.h). Codes: positive",
    " * results, negative errors; -1..-99 come from the module, -100 and below from the C layer (the",
    " * state store's also from the TypeScript bindings). */",
    "#ifndef OPAYGO_ABI_H",
    "#define OPAYGO_ABI_H",
    "",
  ];
  const define = (name, value, doc, unsigned) => {
    const v = value < 0 ? `(${value})` : `${value}${unsigned ? "u" : ""}`;
    return `#define OPAYGO_${name} ${v}${doc ? ` /* ${doc} */` : ""}`;
  };
  for (const c of abi.codes) out.push(define(c.name, c.value, c.message));
  for (const r of abi.reserved) {
    out.push(`/* Deprecated: never returned (${r.value} stays reserved; ${TABLE}); removed in the next release. */`);
    out.push(define(r.name, r.value));
  }
  for (const e of abi.enums) {
    out.push("", `/* ${e.doc} */`);
    for (const m of e.members) out.push(define(m.name, m.value, m.doc, e.cUnsigned));
  }
  out.push("", "/* The codes each build can return, smallest build first, for opaygo_strerror (opaygo.c). */");
  for (const build of BUILDS) {
    const names = abi.codes.filter((c) => c.build === build).map((c) => `  X(OPAYGO_${c.name})`);
    out.push(`#define OPAYGO_CODES_${build.toUpperCase()}(X) \\`, names.join(" \\\n"));
  }
  out.push("", "#endif", "");
  return out.join("\n");
}

// ---- TypeScript --------------------------------------------------------------------------------

function typescript() {
  const q = (s) => JSON.stringify(s);
  const out = [banner("//"), "// Result and error codes, their names and messages, the enums of the exports, and the", "// Metrics member names.", ""];
  for (const c of abi.codes) out.push(`export const ${c.name} = ${c.value};`);
  out.push(
    "",
    "/** Canonical name of each code (the C API's without its OPAYGO_ prefix). */",
    "export const CODE_NAMES: Readonly<Record<number, string>> = {",
    ...abi.codes.map((c) => `  [${c.value}]: ${q(c.name)},`),
    "};",
    "/** Name of each result (positive code): the token types, INVALID, ALREADY_USED, BLOCKED. */",
    "export const RESULT_NAMES: Readonly<Record<number, string>> = {",
    ...abi.codes.filter((c) => c.value > 0).map((c) => `  [${c.value}]: ${q(c.name)},`),
    "};",
    "/** One-line message of each code the module or these bindings (the state store) can return. */",
    "export const CODE_MESSAGES: Readonly<Record<number, string>> = {",
    ...abi.codes.filter((c) => c.layer !== "c").map((c) => `  [${c.value}]: ${q(c.message)},`),
    "};",
  );
  for (const e of abi.enums) {
    out.push("", `// ${e.doc}`);
    for (const m of e.members) out.push(`export const ${m.name} = ${m.value};`);
    out.push(`export const ${e.name} = { ${e.members.map((m) => `${/^[a-z_][a-zA-Z0-9_]*$/.test(m.label) ? m.label : q(m.label)}: ${m.value}`).join(", ")} } as const;`);
    const byValue = [...e.members].sort((a, b) => a.value - b.value);
    if (byValue.every((m, i) => m.value === i)) {
      out.push(`/** The labels by value. */`, `export const ${e.name}_LABELS = [${byValue.map((m) => q(m.label)).join(", ")}] as const;`);
    }
  }
  out.push(
    "",
    "/** Metrics member names [condensed, simple], in the reference's order. */",
    "export const KEY_PAIRS: readonly (readonly [string, string])[] = [",
    ...abi.keys.pairs.map((p) => `  [${q(p.condensed)}, ${q(p.simple)}],`),
    "];",
    "",
  );
  return out.join("\n");
}

check();
const files = {
  "assembly/abi.ts": assemblyAbi(),
  "assembly/metrics/names.ts": assemblyNames(),
  "assembly/server/names.ts": assemblyServerNames(),
  "bindings/c/opaygo_abi.h": cHeader(),
  "bindings/abi.ts": typescript(),
};
if (process.argv.length > 2 && (process.argv[2] !== "--out" || process.argv.length !== 4)) {
  console.error("usage: node scripts/gen-abi.mjs [--out DIR]");
  process.exit(2);
}
const at = process.argv[2] === "--out" ? path.resolve(process.argv[3]) : ROOT;
for (const [file, text] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(at, file)), { recursive: true });
  fs.writeFileSync(path.join(at, file), text);
}
console.log(`gen-abi: ${Object.keys(files).join(", ")} -> ${at}`);
