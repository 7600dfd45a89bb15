// `opaygo metrics request | respond | expand`: batch (--jsonl, lines shaped like the vector
// files) or one request from a file / stdin. Lines are read as raw text where float-vs-int
// matters (values go to the module losslessly; outputs embed canonical JSON verbatim).
import fs from "node:fs";
import { Command } from "commander";
import { MetricsEncoder, buildAnswer, expandRequest, verifyRequest, parseLossless, rawMember, Float } from "../bindings/metrics.js";
import type { JsonValue, MetricRow } from "../bindings/metrics.js";
import { eachLine, fail } from "./jsonl.js";

type Obj = { [k: string]: JsonValue };

// Like eachJsonLine, but hands over the raw line (parsed losslessly too) and prints the handler's
// JSON text as is.
function eachRawLine(handle: (line: string, v: Obj) => string): Promise<void> {
  return eachLine((line) => {
    const v = parseLossless(line);
    if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Float) throw new Error("each line must be a JSON object");
    return handle(line, v as Obj);
  });
}

const num = (v: JsonValue | undefined) => (v instanceof Float ? v.value : (v as number | bigint));

function encoderFor(v: Obj, module: "device" | "full"): MetricsEncoder {
  const e = new MetricsEncoder({
    serialNumber: v.serial_number as string, key: (v.key as string) ?? undefined,
    authMethod: (v.auth_method as any) ?? null, dataFormat: (v.data_format as any) ?? null, module,
  });
  if (v.timestamp != null) e.setTimestamp(num(v.timestamp));
  if (v.request_count != null) e.setRequestCount(num(v.request_count));
  e.setData((v.data ?? {}) as MetricRow);
  for (const r of (v.historical_data ?? []) as MetricRow[]) e.addHistoricalRow(r);
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
      const encode = (v: Obj) => {
        const e = encoderFor(v, module);
        const condensed = e.condensed();
        const simple = e.simple();
        const cbor = Buffer.from(encoderFor(v, module).cbor()).toString("hex");
        return { condensed, simple, cbor };
      };
      if (o.jsonl) return eachRawLine((_line, v) => JSON.stringify(encode(v)));
      try {
        const r = encode(parseLossless(readInput(file)) as Obj);
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
      const respond = (line: string, v: Obj) => {
        const answer = rawMember(line, "answer");
        if (answer === undefined) throw new Error("missing \"answer\"");
        return buildAnswer({ body: v.request as string, key: (v.key as string) ?? null, answer });
      };
      if (o.jsonl) return eachRawLine((line, v) => `{"payload":${JSON.stringify(respond(line, v))}}`);
      try {
        const t = readInput(file);
        console.log(respond(t, parseLossless(t) as Obj));
      } catch (err) {
        fail((err as Error).message);
      }
    });

  metrics
    .command("expand [file]")
    .description("verify and expand a received request: {\"payload\",\"data_format\",\"received_at\",\"key\"} (as metrics_expand.jsonl)")
    .option("--jsonl", "batch: one line in, {\"simple_metrics\",\"auth_valid\"} out", false)
    .action(async (file, o) => {
      const expand = (line: string, v: Obj) => {
        const body = v.payload as string;
        const simple = expandRequest({ body, dataFormat: rawMember(line, "data_format") ?? null, receivedAt: Number(num(v.received_at) ?? Date.now() / 1000) });
        let valid: boolean | null = null;
        if (v.key) {
          const r = verifyRequest({ body, key: v.key as string });
          valid = r.result === "unsigned" ? null : r.valid;
        }
        return `{"simple_metrics":${simple},"auth_valid":${JSON.stringify(valid)}}`;
      };
      if (o.jsonl) return eachRawLine(expand);
      try {
        const t = readInput(file);
        const out = expand(t, parseLossless(t) as Obj);
        console.log(JSON.stringify(JSON.parse(out), null, 2));
      } catch (err) {
        fail((err as Error).message);
      }
    });
}
