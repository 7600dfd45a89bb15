// The main job: a fleet of simulated solar home systems talking OpenPAYGO Metrics to the reference
// server over real HTTP, in simulated time (nothing sleeps: the clock jumps from sample to sample).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SimDevice, DeviceStats } from "./device.js";
import { Prng } from "./prng.js";
import { HISTORICAL_ORDER } from "./sensors.js";
import { ReferenceServer } from "./server.js";
import { Store, openStore } from "./store.js";
import { AuthMethod, CodecError, DataFormat, Encoding, SimModule, keyStartingCode } from "./codec.js";
import { exchange, postJson, route } from "./http.js";

export interface SimOptions {
  devices: number;
  days: number;
  /** sampling interval, seconds */
  interval: number;
  /** upload interval, seconds */
  uploadEvery: number;
  encoding: Encoding;
  /** readings as integers x100 with scale_factor 0.01 in the data format (default), or floats */
  scale?: boolean;
  /** each device's firmware module: "device" (default) or "lean", the profile for integer readings
   *  (condensed JSON, ra, readings x100 only: docs/profiles.md) */
  module?: SimModule;
  auth: AuthMethod;
  seed: number;
  /** SQLite file for the embedded server (a temporary one, deleted after, when absent) */
  db?: string;
  /** an external server's base URL instead of the embedded one */
  server?: string;
  /** the external server's operator token (provisioning and /stats); the embedded server gets a random one */
  operatorToken?: string;
  /** unix time the simulation starts */
  start?: number;
  keepSamples?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULTS = {
  devices: 20, days: 30, interval: 120, uploadEvery: 3600, encoding: "condensed" as Encoding, scale: true, auth: "ra" as AuthMethod, seed: 1,
  start: Date.UTC(2025, 0, 6) / 1000,
};

/** 2G data is billed per session, rounded up to whole kilobytes; the seed's budget is 750 KB a month. */
export const BUDGET_KB = 750;
/** the days of a billing month (monthly figures are per this many days) */
export const MONTH_DAYS = 30;

export interface SimResult {
  options: Omit<SimOptions, "onProgress" | "operatorToken">;
  server: string;
  requests: number;
  accepted: number;
  rejected: number;
  rejections: Record<string, number>;
  tokens_delivered: number;
  tokens_applied: number;
  tokens_refused: number;
  locks: number;
  unlocks: number;
  bytes_up: number;
  bytes_down: number;
  body_up: number;
  body_down: number;
  per_request: { up: number; down: number; body_up: number; body_down: number };
  monthly_kb_per_device: number;
  monthly_billed_kb_per_device: number;
  budget_kb: number;
  samples_taken: number;
  samples_stored: number | null;
  db_rows: number | null;
  bad_signatures: number;
  rows_dropped: number;
  /** uploads made before --upload-every because the next row would not fit one request */
  early_uploads: number;
  rows_per_request: number;
  largest_body_up: number;
  seconds: number;
  devices: SimDevice[];
}

function hex(rng: Prng, bytes: number): string {
  let s = "";
  for (let i = 0; i < bytes; i++) s += rng.int(0, 255).toString(16).padStart(2, "0");
  return s;
}

/**
 * A customer's payments: credit for the install, then a payment about every `period` days for
 * that many days, mostly on time, sometimes early, sometimes days late (the lights go out).
 */
export function paymentSchedule(rng: Prng, start: number, days: number): { at: number; days: number }[] {
  const period = rng.int(3, 10);
  const out = [{ at: start, days: period }];
  let due = start + period * 86400;
  const end = start + days * 86400;
  while (due < end && out.length < 1000) {
    const late = rng.chance(0.2) ? rng.range(0.3, 3) : -rng.range(0, 0.8);
    const at = Math.round(due + late * 86400);
    const n = rng.chance(0.15) ? period * 2 : period;
    out.push({ at, days: n });
    due = Math.max(due, at) + n * 86400;
  }
  return out;
}

/** Why a fleet's options do not fit its module (null: they do). */
export function moduleMismatch(o: Pick<SimOptions, "module" | "encoding" | "auth" | "scale">): string | null {
  if (o.module !== "lean") return null;
  if (o.scale === false) return "the lean module sends integer readings only (no --no-scale)";
  if (o.encoding !== "condensed") return "the lean module sends condensed JSON only (--encoding condensed)";
  if (o.auth !== "ra") return "the lean module signs with ra only (--auth ra)";
  return null;
}

export async function runSim(o: SimOptions): Promise<SimResult> {
  const mismatch = moduleMismatch(o);
  if (mismatch) throw new CodecError(mismatch);
  const started = process.hrtime.bigint();
  const start = o.start ?? DEFAULTS.start;
  const steps = Math.floor((o.days * 86400) / o.interval);
  let now = start;
  let tmpDir: string | null = null;
  let store: Store | null = null;
  let server: ReferenceServer | null = null;
  let base = o.server ?? "";
  let operator = { token: o.operatorToken };
  try {
    if (!o.server) {
      let dbPath = o.db;
      if (!dbPath) {
        tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-sim-"));
        dbPath = path.join(tmpDir, "sim.sqlite");
      }
      store = await openStore(dbPath);
      operator = { token: crypto.randomBytes(32).toString("hex") };
      server = new ReferenceServer({ store, basePath: "/metrics", clock: () => now, operatorToken: operator.token });
      base = await server.listen(0, "127.0.0.1");
    }

    // Rows go oldest first (the device module's ring order), the first at the request's dtc.
    // Readings are sent as integers x100 and the format tells the server to scale them back
    // (scale_factor 0.01): 2-decimal floats are 8-byte doubles in CBOR, and 0.0 takes 9 bytes
    // in the module's ring, so 30 float rows do not fit its 1 KiB; x100 integers do.
    const scaled = o.scale !== false ? Object.fromEntries(HISTORICAL_ORDER.map((n) => [n, 0.01])) : undefined;
    const format: DataFormat = {
      data_order: ["token_count", "tampered", "firmware_version", "overload_alert", "low_battery_alert"],
      historical_data_interval: o.interval,
      historical_data_order: [...HISTORICAL_ORDER],
      ...(scaled ? { variables: Object.fromEntries(Object.entries(scaled).map(([n, sf]) => [n, { scale_factor: sf }])) } : {}),
    };
    const { id: formatId } = await postJson(route(base, "/data_format"), format, operator);
    const rng = new Prng(o.seed);
    const runTag = hex(rng, 2);
    const devices: SimDevice[] = [];
    for (let i = 0; i < o.devices; i++) {
      const drng = new Prng(o.seed, i + 1);
      const key = hex(drng, 16);
      const serial = `SHS${runTag}${String(i + 1).padStart(5, "0")}`;
      const startingCode = keyStartingCode(key);
      await postJson(route(base, "/devices"), { serial, key, starting_code: startingCode, count: 1, auth_methods: [o.auth], payments: paymentSchedule(drng, start, o.days) }, operator);
      devices.push(new SimDevice({
        serial, key, startingCode, format: { ...format, id: formatId }, auth: o.auth, encoding: o.encoding, uploadEvery: o.uploadEvery,
        rng: drng, keepSamples: o.keepSamples ?? false, scaled, module: o.module,
      }));
    }

    for (let i = 1; i <= steps; i++) {
      now = start + i * o.interval;
      for (const d of devices) d.sample(now);
      const due = devices.filter((d) => d.dueForUpload(now, start) || i === steps);
      if (due.length > 0) {
        await Promise.all(due.map((d) => d.upload(now, base)));
        o.onProgress?.(i, steps);
      }
    }

    const sum = (f: (s: DeviceStats) => number) => devices.reduce((a, d) => a + f(d.stats), 0);
    const rejections: Record<string, number> = {};
    for (const d of devices) for (const [k, v] of Object.entries(d.stats.rejections)) rejections[k] = (rejections[k] ?? 0) + v;
    let stats: { points: number; samples: number } | null = null;
    if (store) stats = await store.stats();
    else {
      const r = await exchange(route(base, "/stats"), "GET", null, null, operator).catch(() => null);
      if (r && r.status === 200) stats = JSON.parse(r.body.toString("utf8")).database;
    }
    const requests = sum((s) => s.requests);
    const answered = Math.max(1, sum((s) => s.accepted) + sum((s) => s.rejected) - sum((s) => s.failed));
    const bytesUp = sum((s) => s.bytesUp), bytesDown = sum((s) => s.bytesDown);
    const month = MONTH_DAYS / o.days / Math.max(1, o.devices);
    const billed = devices.reduce((a, d) => a + d.stats.requests, 0) > 0 ? billedKb(devices) : 0;
    const { onProgress: _, operatorToken: __, ...options } = o;
    return {
      options: { ...options, start },
      server: o.server ? base : `embedded ${base}`,
      requests,
      accepted: sum((s) => s.accepted),
      rejected: sum((s) => s.rejected),
      rejections,
      tokens_delivered: sum((s) => s.tokensDelivered),
      tokens_applied: sum((s) => s.tokensApplied),
      tokens_refused: sum((s) => s.tokensRefused),
      locks: sum((s) => s.locks),
      unlocks: sum((s) => s.unlocks),
      bytes_up: bytesUp,
      bytes_down: bytesDown,
      body_up: sum((s) => s.bodyUp),
      body_down: sum((s) => s.bodyDown),
      per_request: {
        up: round1(bytesUp / answered), down: round1(bytesDown / answered),
        body_up: round1(sum((s) => s.bodyUp) / Math.max(1, requests)), body_down: round1(sum((s) => s.bodyDown) / answered),
      },
      monthly_kb_per_device: round1(((bytesUp + bytesDown) * month) / 1024),
      monthly_billed_kb_per_device: round1(billed * month),
      budget_kb: BUDGET_KB,
      samples_taken: sum((s) => s.samples),
      samples_stored: stats ? stats.samples : null,
      db_rows: stats ? stats.points : null,
      bad_signatures: sum((s) => s.badSignatures),
      rows_dropped: sum((s) => s.rowsDropped),
      early_uploads: devices.reduce((a, d) => a + d.earlyUploads, 0),
      rows_per_request: round1(sum((s) => s.rowsSent) / Math.max(1, requests)),
      largest_body_up: Math.max(0, ...devices.map((d) => d.stats.largestBodyUp)),
      seconds: round1(Number(process.hrtime.bigint() - started) / 1e9),
      devices,
    };
  } finally {
    await server?.close();
    await store?.close();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

// Each session rounded up to a whole KB, as 2G operators bill.
function billedKb(devices: SimDevice[]): number {
  let kb = 0;
  for (const d of devices) kb += d.sessionKb;
  return kb;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
