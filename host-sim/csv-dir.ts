// The Metrics standard's "CSV raw file format" in a server directory (`opaygo server run
// --csv-dir DIR`): each accepted request's points, as stored, appended to
// DIR/<serial>/<YYYY-MM-DD>.csv (the UTC day of each point's time). Files are only ever appended
// to, so they can be copied (rsync) while the server runs, and downloaded and processed later.
//
// A file starts with a header line: time_utc, timestamp, kind (d: status, hd: a historical
// sample), the variables (the data format's names, with its unit in brackets, then any other name
// a point carries), request_id. A later request whose columns differ (the device's format changed)
// writes a new header line first. Values are the stored text (integers of any size, floats as the
// device's canonical JSON wrote them), strings as they are; CSV quoting where needed.
//
// Durability: the rows are written (one write per file, O_APPEND) after the request's transaction
// commits and before its 201, under the device's row lock (several server processes on one
// PostgreSQL database share the directory: one writes a device's files at a time); the request
// keeps a csv_pending mark until then. A server that starts finds the requests still marked (a
// crash in between) and writes them, skipping a file that already holds the request's rows (each
// row carries its request_id), so a row is in the files exactly once whatever was interrupted.
// With `--sync full` each write is fsynced too (a process crash loses nothing written without it).
import fs from "node:fs";
import path from "node:path";
import { JsonValue, parseOrdered, stringifyLossless } from "../bindings/metrics-json.js";

export interface CsvPoint {
  ts: number;
  kind: "d" | "hd";
  data: string;
}

/** A serial as one safe path segment: [A-Za-z0-9._-] kept, every other byte %XX (UTF-8); a
 *  leading dot too, so "." and ".." and hidden names never come out. */
export function serialDirName(serial: string): string {
  const bytes = Buffer.from(serial, "utf8");
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    const safe = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d || (c === 0x2e && i > 0);
    out += safe ? String.fromCharCode(c) : "%" + c.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const valueCell = (v: JsonValue | undefined) => (v === undefined || v === null ? "" : typeof v === "string" ? v : stringifyLossless(v));
const day = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 10);
const HEADER_START = "time_utc,";

type Format = { data_order?: unknown; historical_data_order?: unknown; variables?: unknown } | null;

/** The columns of a request's points: the format's variables (data_order, then
 *  historical_data_order), then any other name the points carry, each once. */
function columnsOf(format: Format, points: { values: Map<string, JsonValue> }[]): string[] {
  const names: string[] = [];
  const add = (n: unknown) => { if (typeof n === "string" && !names.includes(n)) names.push(n); };
  for (const list of [format?.data_order, format?.historical_data_order]) if (Array.isArray(list)) list.forEach(add);
  for (const p of points) for (const k of p.values.keys()) add(k);
  return names;
}

function headerOf(format: Format, columns: string[]): string {
  const vars = (format?.variables ?? {}) as Record<string, { unit?: unknown }>;
  const named = columns.map((n) => {
    const unit = Object.prototype.hasOwnProperty.call(vars, n) ? vars[n]?.unit : undefined;
    return csvCell(typeof unit === "string" && unit !== "" ? `${n} [${unit}]` : n);
  });
  return ["time_utc", "timestamp", "kind", ...named, "request_id"].join(",");
}

export class CsvDirectory {
  /** each file's last header line and its size when this process last wrote or read it (a file
   *  another process has written since has another size, and is read again) */
  private readonly headers = new Map<string, { header: string; size: number }>();

  constructor(readonly dir: string, private readonly fsync = false) {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  }

  /**
   * Appends a request's stored points. `recovering`: the request may be in the files already
   * (a server that stopped after writing it, before clearing its mark): a file whose rows carry
   * this request_id is left as it is.
   */
  write(requestId: number, serial: string, formatText: string | null, points: CsvPoint[], recovering = false): void {
    if (points.length === 0) return;
    const format = (formatText === null ? null : JSON.parse(formatText)) as Format;
    const parsed = points.map((p) => ({ ...p, values: parseOrdered(p.data) as Map<string, JsonValue> }));
    const columns = columnsOf(format, parsed);
    const header = headerOf(format, columns);
    const deviceDir = path.join(this.dir, serialDirName(serial));
    const byFile = new Map<string, typeof parsed>();
    for (const p of parsed) {
      const file = path.join(deviceDir, `${day(p.ts)}.csv`);
      byFile.set(file, [...(byFile.get(file) ?? []), p]);
    }
    fs.mkdirSync(deviceDir, { recursive: true });
    for (const [file, all] of byFile) {
      const last = this.lastHeader(file);
      // rows of this request already in the file (recovering: written before a crash, all of them,
      // or the first ones before a power loss cut the write)
      const rows = recovering && last !== null ? all.slice(this.rowsOf(file, requestId)) : all;
      if (rows.length === 0) continue;
      let text = last === header ? "" : header + "\n";
      for (const p of rows) {
        text += [new Date(p.ts * 1000).toISOString().replace(".000Z", "Z"), String(p.ts), p.kind, ...columns.map((c) => csvCell(valueCell(p.values.get(c)))), String(requestId)].join(",") + "\n";
      }
      const fd = fs.openSync(file, "a", 0o644);
      try {
        fs.writeSync(fd, text);
        if (this.fsync) fs.fsyncSync(fd);
        this.headers.set(file, { header, size: fs.fstatSync(fd).size });
      } finally {
        fs.closeSync(fd);
      }
    }
  }

  // The file's last header line (null: no file yet). A torn last line (no newline: a write cut by
  // a power loss; a process crash cannot cut a write) is removed: it was never a whole row, and its
  // request is still marked, so it is written again.
  private lastHeader(file: string): string | null {
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
    const known = this.headers.get(file);
    if (known !== undefined && known.size === size) return known.header;
    let text = fs.readFileSync(file, "utf8");
    if (text.length > 0 && !text.endsWith("\n")) {
      text = text.slice(0, text.lastIndexOf("\n") + 1);
      fs.truncateSync(file, Buffer.byteLength(text));
    }
    const lines = text.split("\n");
    let header: string | null = null;
    for (let i = lines.length - 1; i >= 0 && header === null; i--) if (lines[i].startsWith(HEADER_START)) header = lines[i];
    if (header !== null) this.headers.set(file, { header, size: Buffer.byteLength(text) });
    return header;
  }

  // Rows of the request in the file (request_id is every row's last cell).
  private rowsOf(file: string, requestId: number): number {
    const suffix = "," + requestId;
    return fs.readFileSync(file, "utf8").split("\n").filter((l) => !l.startsWith(HEADER_START) && l.endsWith(suffix)).length;
  }
}
