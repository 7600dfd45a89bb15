// `opaygo metrics request | respond | expand`: batch (--jsonl, lines shaped like the vector
// files) or one request from a file / stdin. Input is read with parseOrdered (objects as Maps: member
// order and every key kept) and raw text where only the module should read it (values go to the
// module losslessly; outputs embed canonical JSON verbatim).
import fs from "node:fs";
import { Command } from "commander";
import { MetricsEncoder, buildAnswer, loadRequest, parseOrdered, rawMember, Float } from "../bindings/metrics.js";
import type { AuthMethod, JsonMap, JsonValue, MetricRow } from "../bindings/metrics.js";
import { eachLine, fail } from "./jsonl.js";

function asObject(v: JsonValue): JsonMap {
  if (!(v instanceof Map)) throw new Error("the input must be a JSON object");
  return v;
}

// Like eachJsonLine, but hands over the raw line (parsed in order too) and prints the handler's
// JSON text as is.
function eachRawLine(handle: (line: string, v: JsonMap) => string): Promise<void> {
  return eachLine((line) => handle(line, asObject(parseOrdered(line))));
}

// A text member (absent or null: undefined).
function textOf(v: JsonMap, key: string): string | undefined {
  const x = v.get(key);
  if (x == null) return undefined;
  if (typeof x !== "string") throw new Error(`"${key}" must be a string`);
  return x;
}

// Integers are checked by the encoder (7.0, "7", true and values beyond 64 bits are refused).
function encoderFor(v: JsonMap, module: "device" | "full"): MetricsEncoder {
  const e = new MetricsEncoder({
    serialNumber: v.get("serial_number") as string, key: textOf(v, "key"),
    authMethod: (textOf(v, "auth_method") as AuthMethod | undefined) ?? null, dataFormat: (v.get("data_format") as JsonMap | undefined) ?? null, module,
  });
  const ts = v.get("timestamp"), rc = v.get("request_count");
  if (ts != null) e.setTimestamp(ts as number | bigint);
  if (rc != null) e.setRequestCount(rc as number | bigint);
  e.setData((v.get("data") ?? new Map()) as MetricRow);
  const hd = v.get("historical_data") ?? [];
  if (!Array.isArray(hd)) throw new Error(`"historical_data" must be a list of rows`);
  for (const r of hd) e.addHistoricalRow(r as MetricRow);
  return e;
}

function readInput(file: string | undefined): string {
  return fs.readFileSync(file && file !== "-" ? file : 0, "utf8");
}

export function register(program: Command): void {
  const metrics = program.command("metrics").description("OpenPAYGO Metrics requests, answers and expansion");

  metrics
    .command("request [file]")
    .description("encode a device request (fields of metrics_requests.jsonl) from a JSON file or stdin")
    .option("--jsonl", "batch: one request per line on stdin; out {\"condensed\",\"simple\",\"cbor\"}", false)
    .option("--device", "run on opaygo-device.wasm (the firmware's 1 KiB output buffer)", false)
    .action(async (file, o) => {
      const module = o.device ? "device" : "full";
      const encode = (v: JsonMap) => {
        const e = encoderFor(v, module);
        const condensed = e.condensed();
        const simple = e.simple();
        const cbor = Buffer.from(encoderFor(v, module).cbor()).toString("hex");
        return { condensed, simple, cbor };
      };
      if (o.jsonl) return eachRawLine((_line, v) => JSON.stringify(encode(v)));
      try {
        const r = encode(asObject(parseOrdered(readInput(file))));
        console.log(`condensed (${r.condensed.length} B):\n${r.condensed}\n\nsimple (${r.simple.length} B):\n${r.simple}\n\ncbor (${r.cbor.length / 2} B):\n${r.cbor}`);
      } catch (err) {
        fail((err as Error).message);
      }
    });

  metrics
    .command("respond [file]")
    .description("build a server answer: {\"request\",\"key\",\"answer\"} (as metrics_responses.jsonl) from a file or stdin")
    .option("--jsonl", "batch: one line in, {\"payload\"} out", false)
    .action(async (file, o) => {
      const respond = (line: string, v: JsonMap) => {
        const answer = rawMember(line, "answer");
        if (answer === undefined) throw new Error("missing \"answer\"");
        const request = textOf(v, "request");
        if (request === undefined) throw new Error("missing \"request\"");
        return buildAnswer({ body: request, key: textOf(v, "key") ?? null, answer });
      };
      if (o.jsonl) return eachRawLine((line, v) => `{"payload":${JSON.stringify(respond(line, v))}}`);
      try {
        const t = readInput(file);
        console.log(respond(t, asObject(parseOrdered(t))));
      } catch (err) {
        fail((err as Error).message);
      }
    });

  metrics
    .command("expand [file]")
    .description("verify and expand a received request: {\"payload\",\"data_format\",\"received_at\",\"key\"} (as metrics_expand.jsonl)")
    .option("--jsonl", "batch: one line in, {\"simple_metrics\",\"auth_valid\"} out", false)
    .action(async (file, o) => {
      const expand = (line: string, v: JsonMap) => {
        const body = textOf(v, "payload");
        if (body === undefined) throw new Error("missing \"payload\"");
        const at = v.get("received_at");
        const receivedAt = at == null ? Date.now() / 1000 : at instanceof Float ? at.value : typeof at === "number" || typeof at === "bigint" ? Number(at) : NaN;
        if (!Number.isFinite(receivedAt)) throw new Error(`"received_at" must be a number of seconds`);
        const request = loadRequest({ body });
        const simple = request.expand({ dataFormat: rawMember(line, "data_format") ?? null, receivedAt });
        // null: no signature member at all; a present but empty one is invalid (false), as the reference says
        let valid: boolean | null = null;
        const key = textOf(v, "key");
        if (key) {
          const r = request.verify({ key });
          valid = r.result === "unsigned" ? null : r.valid;
        }
        return `{"simple_metrics":${simple},"auth_valid":${JSON.stringify(valid)}}`;
      };
      if (o.jsonl) return eachRawLine(expand);
      try {
        const t = readInput(file);
        const out = expand(t, asObject(parseOrdered(t)));
        console.log(JSON.stringify(JSON.parse(out), null, 2));
      } catch (err) {
        fail((err as Error).message);
      }
    });
}
