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

export function vectorLines(name: string): any[] {
  return fs.readFileSync(path.join(VECTORS, name), "utf8").trim().split("\n").map((l) => JSON.parse(l));
}

export function vectorText(name: string): string {
  return fs.readFileSync(path.join(VECTORS, name), "utf8");
}

export interface CliRun { status: number | null; stdout: string; stderr: string }

export function opaygo(args: string[], input?: string): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function jsonLines(text: string): any[] {
  return text.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}
