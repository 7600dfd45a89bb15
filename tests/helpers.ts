// Shared test helpers: repository paths, vector files, and running the CLI.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// build/js/tests/helpers.js -> repository root
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const VECTORS = path.join(ROOT, "tests/vectors");
export const CLI = path.join(ROOT, "bin/opaygo.js");
/** The operator bearer token the tests give their servers, and the exchange option that sends it. */
export const OPERATOR_TOKEN = "test-operator-token-0123456789abcdef";
export const OPERATOR = { token: OPERATOR_TOKEN };

// The device procedure scenarios: ours (DISABLE_PAYG tokens) and the procedure as published
// (its disable tokens are value 998 in SET_TIME and ADD_TIME mode).
export const DEVICE_PROCEDURE_FILES = ["device_procedure.jsonl", "device_procedure_official.jsonl"];

export function vectorLines(name: string): any[] {
  return fs.readFileSync(path.join(VECTORS, name), "utf8").trim().split("\n").map((l) => JSON.parse(l));
}

export function vectorText(name: string): string {
  return fs.readFileSync(path.join(VECTORS, name), "utf8");
}

export interface CliRun { status: number | null; stdout: string; stderr: string }

export function opaygo(args: string[], input?: string, env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: "utf8", timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function jsonLines(text: string): any[] {
  return text.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

// Randomized tests: each has a fixed seed, which `make check` uses. `make test-random SEED=S`
// sets OPAYGO_TEST_SEED, and every randomized test then derives its seed from S and its fixed one,
// so one S reproduces a whole run.
export function testSeed(fixed: number): number {
  const given = process.env.OPAYGO_TEST_SEED;
  if (given === undefined || given === "") return fixed;
  const s = Number(given);
  if (!Number.isSafeInteger(s) || s < 0) throw new Error(`OPAYGO_TEST_SEED must be a non-negative integer, not ${JSON.stringify(given)}`);
  return (Math.imul((s % 0x100000000) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.floor(s / 0x100000000) ^ fixed) >>> 0;
}

/** Runs a randomized test body with its seed; a failure names the seed and how to run it again. */
export async function withSeed<T>(fixed: number, body: (seed: number) => T | Promise<T>): Promise<T> {
  const seed = testSeed(fixed);
  try {
    return await body(seed);
  } catch (e) {
    const given = process.env.OPAYGO_TEST_SEED;
    const how = given ? `make test-random SEED=${given}` : "make check (fixed seed)";
    if (e instanceof Error) e.message = `[seed ${seed}: ${how}] ${e.message}`;
    throw e;
  }
}

/** A store's counts of what requests stored, without the refusals (which count refused requests
 *  per device, and change no device's state). */
export async function storedCounts(store: { stats(): Promise<object> }): Promise<Record<string, number>> {
  const { refusals: _, ...counts } = (await store.stats()) as Record<string, number>;
  return counts;
}

/** RFC 4180 CSV: rows of cells (quoted cells may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cur = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cur); cur = ""; }
    else if (c === "\n") { row.push(cur); rows.push(row); row = []; cur = ""; }
    else cur += c;
  }
  if (cur !== "" || row.length > 0) { row.push(cur); rows.push(row); }
  return rows;
}
