// `opaygo sim`: the fleet simulation (host-sim/sim.ts) on embedded defaults.
import fs from "node:fs";
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { runSim, moduleMismatch, DEFAULTS, SimResult } from "../host-sim/sim.js";
import { AUTH_METHODS, ENCODINGS, SIM_MODULES } from "../host-sim/codec.js";
import { writeReport } from "../host-sim/report.js";
import { integer } from "./options.js";
import { OPERATOR_TOKEN_ENV, readOperatorToken } from "./server.js";

function rangeInt(name: string, min: number, max: number) {
  return (text: string): number => {
    const n = integer(name, max)(text);
    if (n < min) throw new InvalidArgumentError(`${name} must be at least ${min}`);
    return n;
  };
}

function serverUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new InvalidArgumentError("the server must be an http:// or https:// URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new InvalidArgumentError("the server must be an http:// or https:// URL");
  return text;
}

export function register(program: Command): void {
  program
    .command("sim")
    .description("simulated solar home systems (each its own opaygo-device.wasm) uploading OpenPAYGO Metrics to the reference server over HTTP, in simulated time")
    .option("--devices <n>", "number of devices", rangeInt("devices", 1, 1000), DEFAULTS.devices)
    .option("--days <n>", "days simulated", rangeInt("days", 1, 366), DEFAULTS.days)
    .option("--interval <seconds>", "sampling interval", rangeInt("interval", 10, 86400), DEFAULTS.interval)
    .option("--upload-every <seconds>", "upload interval", rangeInt("upload interval", 60, 7 * 86400), DEFAULTS.uploadEvery)
    .addOption(new Option("--encoding <kind>", "request encoding").choices(ENCODINGS).default(DEFAULTS.encoding))
    .addOption(new Option("--auth <method>", "request signature").choices(AUTH_METHODS).default(DEFAULTS.auth))
    .option("--no-scale", "send the readings as 2-decimal floats instead of integers x100 (scale_factor 0.01 in the data format)")
    .addOption(new Option("--module <kind>", "each device's firmware module: opaygo-device.wasm, or opaygo-lean.wasm for integer readings, condensed JSON and ra (docs/profiles.md)").choices(SIM_MODULES).default("device"))
    .option("--seed <n>", "seed of every random choice", integer("seed", 0xffffffff), DEFAULTS.seed)
    .option("--db <path>", "SQLite file of the embedded server (default: a temporary file)")
    .option("--server <url>", `an external server's base URL (e.g. one started by \`opaygo server\`) instead of the embedded one; its operator token in --operator-token-file or ${OPERATOR_TOKEN_ENV}`, serverUrl)
    .option("--operator-token-file <file>", "file holding the external server's operator token")
    .option("--report <file.html>", "write a self-contained HTML report with charts")
    .option("--json", "print one JSON object instead of the table", false)
    .action(async (o) => {
      if (o.db && o.server) throw new InvalidArgumentError("--db is for the embedded server; an external one keeps its own");
      if (o.operatorTokenFile && !o.server) throw new InvalidArgumentError("--operator-token-file is for an external --server; the embedded one makes its own");
      const operatorToken = o.server ? readOperatorToken(o.operatorTokenFile) ?? undefined : undefined;
      if (o.uploadEvery < o.interval) throw new InvalidArgumentError("--upload-every must be at least --interval");
      const mismatch = moduleMismatch(o);
      if (mismatch) throw new InvalidArgumentError(mismatch);
      if (o.db && fs.existsSync(o.db) && !fs.statSync(o.db).isFile()) throw new InvalidArgumentError(`--db ${o.db} is not a file`);
      const report = o.report ? reportFile(o.report) : null;
      const tty = process.stderr.isTTY && !o.json;
      const result = await runSim({
        devices: o.devices, days: o.days, interval: o.interval, uploadEvery: o.uploadEvery, encoding: o.encoding, auth: o.auth,
        scale: o.scale, module: o.module, seed: o.seed, db: o.db, server: o.server, operatorToken,
        onProgress: tty ? progressBar(o.days) : undefined,
      });
      if (tty) process.stderr.write("\r\x1b[K");
      if (report) await writeReport(report, result);
      if (o.json) process.stdout.write(JSON.stringify(summary(result)) + "\n");
      else process.stdout.write(table(result) + (report ? `\nreport: ${report}\n` : ""));
    });
}

/** The report's absolute path, checked before the run: its folder must exist, it must not be one. */
function reportFile(file: string): string {
  const at = path.resolve(file);
  if (!fs.existsSync(path.dirname(at)) || !fs.statSync(path.dirname(at)).isDirectory()) throw new InvalidArgumentError(`--report ${file}: no folder ${path.dirname(at)}`);
  if (fs.existsSync(at) && !fs.statSync(at).isFile()) throw new InvalidArgumentError(`--report ${file} is not a file`);
  return at;
}

function progressBar(days: number) {
  return (done: number, total: number) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const day = Math.min(days, Math.floor((done / total) * days) + 1);
    process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.round((100 * done) / total)}%  day ${day}/${days}`);
  };
}

export function summary(r: SimResult) {
  const { devices: _, ...rest } = r;
  return rest;
}

function table(r: SimResult): string {
  const o = r.options;
  const rows: [string, string][] = [
    ["devices x days", `${o.devices} x ${o.days} (sampling every ${o.interval} s, uploads every ${o.uploadEvery} s)`],
    ["encoding / auth", `${o.encoding}${o.scale === false ? " (floats)" : " (readings x100)"} / ${o.auth}${o.module === "lean" ? " (lean module)" : ""}`],
    ["rows per request", `${r.rows_per_request} on average (largest body ${r.largest_body_up} of 1024 bytes; ${r.early_uploads} early uploads, ${r.rows_dropped} rows dropped)`],
    ["server", r.server],
    ["requests", String(r.requests)],
    ["accepted / rejected", `${r.accepted} / ${r.rejected}${r.rejected ? "  " + JSON.stringify(r.rejections) : ""}`],
    ["bytes up per request", `${r.per_request.up} on the wire (body ${r.per_request.body_up})`],
    ["bytes down per request", `${r.per_request.down} on the wire (body ${r.per_request.body_down})`],
    ["bytes up / down in all", `${r.bytes_up} / ${r.bytes_down}`],
    ["monthly data per device", `${r.monthly_kb_per_device} KB (${r.monthly_billed_kb_per_device} KB billed in whole-KB sessions) vs budget ${r.budget_kb} KB: ${r.monthly_billed_kb_per_device <= r.budget_kb ? "within" : "OVER"}`],
    ["tokens delivered / applied", `${r.tokens_delivered} / ${r.tokens_applied}${r.tokens_refused ? ` (${r.tokens_refused} refused)` : ""}`],
    ["lock / unlock events", `${r.locks} / ${r.unlocks}`],
    ["samples taken / stored", `${r.samples_taken} / ${r.samples_stored ?? "?"}`],
    ["data points in the database", String(r.db_rows ?? "?")],
    ["run time", `${r.seconds} s`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n") + "\n";
}
