// Stored data points leaving the server (GET /dd as JSON, GET /export.csv and `opaygo server export`
// as CSV), exactly as stored: every value's text is the stored text (integers of any size, floats
// as Python writes them, as the device's canonical JSON had them), never read into a JS number.
// Both are written page by page, so an answer of any size holds one page in memory.
import { Store, PointRow } from "./store.js";
import { HttpError } from "./http-error.js";
import { JsonValue, parseOrdered, stringifyLossless } from "../bindings/metrics-json.js";

export interface PointQuery {
  from?: number;
  to?: number;
  serial?: string;
}

/** Points read per database query. */
const PAGE = 2000;
/** Text gathered before it is handed on (one write to the socket per chunk). */
const CHUNK = 64 * 1024;

async function* pages(store: Store, q: PointQuery, order: "request" | "time"): AsyncGenerator<PointRow[]> {
  let after: PointRow | null = null;
  for (;;) {
    const page = await store.pointsPage(q, order, after, PAGE);
    if (page.length > 0) yield page;
    if (page.length < PAGE) return;
    after = page[page.length - 1];
  }
}

// Gathers text into chunks of about CHUNK characters.
async function* chunked(parts: AsyncGenerator<string>): AsyncGenerator<string> {
  let buf = "";
  for await (const s of parts) {
    buf += s;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = "";
    }
  }
  if (buf) yield buf;
}

/** A stored object's text with "timestamp" first (the stored values never hold one). */
const withTimestamp = (ts: number, data: string) => `{"timestamp":${ts}${data === "{}" ? "}" : "," + data.slice(1)}`;

/**
 * GET /dd: the stored points in the simple form, one object per stored request (its points in the
 * range): {"serial_number", "timestamp" (of the status data, null when none), "data" (the status,
 * {} when none), "historical_data": [{"timestamp", ...values}]}; requests in the order stored.
 */
export function dataJson(store: Store, q: PointQuery): AsyncGenerator<string> {
  return chunked((async function* () {
    yield "[";
    let open: { id: number; serial: string; ts: number | null; data: string; rows: string[] } | null = null;
    let first = true;
    const close = (r: NonNullable<typeof open>) =>
      `${first ? "" : ","}{"serial_number":${JSON.stringify(r.serial)},"timestamp":${r.ts ?? "null"},"data":${r.data},"historical_data":[${r.rows.join(",")}]}`;
    for await (const page of pages(store, q, "request")) {
      for (const p of page) {
        if (open && open.id !== p.request_id) {
          yield close(open);
          first = false;
          open = null;
        }
        open ??= { id: p.request_id, serial: p.serial, ts: null, data: "{}", rows: [] };
        if (p.kind === "d") {
          open.ts = p.ts;
          open.data = p.data;
        } else open.rows.push(withTimestamp(p.ts, p.data));
      }
    }
    if (open) yield close(open);
    yield "]";
  })());
}

function csvCell(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return "";
  const s = typeof v === "string" ? v : stringifyLossless(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const valuesOf = (data: string) => parseOrdered(data) as Map<string, JsonValue>;

/**
 * The stored points as CSV: serial_number, timestamp (ISO 8601, UTC), kind (d: status, hd: a
 * historical sample), then one column per variable, in the order they first appear; device by
 * device (in the order provisioned), each in time order. Two passes over the points: the
 * columns, then the rows.
 */
export function pointsCsv(store: Store, q: PointQuery): AsyncGenerator<string> {
  return chunked((async function* () {
    const columns = new Set<string>();
    for await (const page of pages(store, q, "time")) for (const p of page) for (const k of valuesOf(p.data).keys()) columns.add(k);
    const names = [...columns];
    yield ["serial_number", "timestamp", "kind", ...names].map((n) => csvCell(n)).join(",") + "\n";
    for await (const page of pages(store, q, "time")) {
      for (const p of page) {
        const v = valuesOf(p.data);
        yield [csvCell(p.serial), new Date(p.ts * 1000).toISOString(), p.kind, ...names.map((c) => csvCell(v.get(c)))].join(",") + "\n";
      }
    }
  })());
}

/** A whole answer of dataJson or pointsCsv as one string (tests, small exports). */
export async function collect(parts: AsyncGenerator<string>): Promise<string> {
  let s = "";
  for await (const p of parts) s += p;
  return s;
}

export function parseIso(v: string, name: string): number {
  const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v);
  const t = Date.parse(/T/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? v + "Z" : v);
  if (!m || !Number.isFinite(t)) throw new HttpError(400, `${name} must be an ISO 8601 date or datetime, got ${JSON.stringify(v)}`);
  return Math.floor(t / 1000);
}
