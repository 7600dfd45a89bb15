// The reference OpenPAYGO Metrics server: real HTTP (node:http) on the spec's routes, under a
// base path. Devices, formats, tokens and every data point go to the store (host-sim/store.ts:
// SQLite, or PostgreSQL shared by several server processes).
//
//   POST {base}/dd | /device_data   a device request (JSON or CBOR) -> 201 {} or a signed answer
//   GET  {base}/dd | /device_data   ?from_datetime&to_datetime (ISO 8601)[&serial_number] -> simple form
//   POST {base}/data_format          a data format -> 201 {"id":N}
//   POST {base}/devices              provisioning (not in the spec): serial, key, payments, settings
//   GET  {base}/export.csv           stored points as CSV (same filters as GET /dd, all optional)
//   GET  {base}/stats                counts
//   GET  {base}/health               {"status":"ok"} once the database answers (for a load balancer)
// The device routes (POST /dd, /device_data) are authenticated by the device's signature, /health
// by nothing; every other route is an operator route (OPERATOR_ROUTES): it needs
// `Authorization: Bearer <operator token>` (401 and WWW-Authenticate: Bearer without it or with a
// wrong one), and answers 403 when the server was given no operator token at all. POST /data_format
// also takes an HS256 JWT when the server has a JWT key (host-sim/jwt.ts).
// Errors are JSON {"error":"..."}: 400 malformed, 401 operator token missing or wrong, 403 bad
// signature or replay, or operator routes disabled, 404 unknown device, format or route, 405, 408
// request not received within the request timeout (then the connection is closed), 413 too large
// (refused before the body is read), 415 other content types.
import crypto from "node:crypto";
import http from "node:http";
import https from "node:https";
import { AddressInfo, Socket, isIPv6 } from "node:net";
import { Store, Payment, Transaction } from "./store.js";
import { JWT_MIN_KEY_BYTES, looksLikeJwt, verifyHs256 } from "./jwt.js";
import {
  CodecError, DataFormat, addTimeToken, bodyKind, decodeBody, encodeAnswer, expandRequest, formatText, keyStartingCode,
  parseFormatText, readFormat, readRequest, verifyAuth,
} from "./codec.js";

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** Routes an operator uses (provisioning, formats, reading customers' data), as "METHOD /path". */
export const OPERATOR_ROUTES: readonly string[] = ["POST /devices", "POST /data_format", "GET /dd", "GET /device_data", "GET /export.csv", "GET /stats"];

const sha256 = (text: string) => crypto.createHash("sha256").update(text, "utf8").digest();

export interface ServerOptions {
  store: Store;
  /** path prefix of every route, e.g. "/metrics/v1" */
  basePath?: string;
  /** largest body accepted, bytes (the spec's request limit is 4096 KB) */
  maxBody?: number;
  /** unix seconds used when a request carries no timestamp */
  clock?: () => number;
  /** ms a request (headers and body) may take to arrive before the server answers 408 and
   *  closes the connection, so a slow or never-ending body cannot hold a socket forever */
  requestTimeoutMs?: number;
  /** the bearer token of the operator routes; without one they answer 403 */
  operatorToken?: string | null;
  /** HMAC key of the HS256 JWTs that may register data formats (POST /data_format only, the
   *  spec's JWT alternative); at least 32 bytes. Without one, that route takes the operator token only. */
  formatJwtKey?: Buffer | null;
  /** certificate chain and private key (PEM): HTTPS instead of plain HTTP */
  tls?: { cert: Buffer | string; key: Buffer | string };
  /** receives one JSON line per request (no query string, body or header values); absent: no log */
  log?: (line: string) => void;
}

export interface ServerCounts {
  accepted: number;
  rejected: number;
  byStatus: Record<number, number>;
}

const DAY = 86400;

export class ReferenceServer {
  readonly http: http.Server;
  readonly counts: ServerCounts = { accepted: 0, rejected: 0, byStatus: {} };
  private readonly base: string;
  private readonly maxBody: number;
  private readonly clock: () => number;
  private readonly store: Store;
  /** SHA-256 of the operator token: compared with the hash of the one presented, so the time
   *  taken tells nothing about the token's length or content */
  private readonly operatorTokenHash: Buffer | null;
  private readonly formatJwtKey: Buffer | null;
  private readonly log: ((line: string) => void) | null;
  private readonly scheme: "http" | "https";
  private closing = false;

  constructor(o: ServerOptions) {
    this.store = o.store;
    this.operatorTokenHash = o.operatorToken ? sha256(o.operatorToken) : null;
    if (o.formatJwtKey && o.formatJwtKey.length < JWT_MIN_KEY_BYTES) throw new Error(`the JWT key must be at least ${JWT_MIN_KEY_BYTES} bytes`);
    this.formatJwtKey = o.formatJwtKey ?? null;
    this.log = o.log ?? null;
    this.scheme = o.tls ? "https" : "http";
    this.base = (o.basePath ?? "").replace(/\/+$/, "");
    if (this.base && !this.base.startsWith("/")) this.base = "/" + this.base;
    this.maxBody = o.maxBody ?? 4096 * 1024;
    this.clock = o.clock ?? (() => Math.floor(Date.now() / 1000));
    // Node checks running requests against the timeout every connectionsCheckingInterval ms.
    const timeout = o.requestTimeoutMs ?? 30000;
    const options: http.ServerOptions = {
      requestTimeout: timeout, headersTimeout: timeout, connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(timeout / 4))),
    };
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (this.log) {
        const started = process.hrtime.bigint();
        let finished = false; // the whole answer handed to the socket ('finish' comes before 'close')
        res.once("finish", () => (finished = true));
        res.once("close", () => this.logRequest(req, res, started, finished));
      }
      this.handle(req, res).catch((err) => this.fail(res, err));
    };
    this.http = o.tls ? https.createServer({ ...options, cert: o.tls.cert, key: o.tls.key }, handler) : http.createServer(options, handler);
    // Requests the HTTP parser refuses, and requests not received within the timeout: answered
    // without a handler, and the connection closed.
    this.http.on("clientError", (err: NodeJS.ErrnoException, socket) => {
      const status = err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
      this.counts.byStatus[parseInt(status)] = (this.counts.byStatus[parseInt(status)] ?? 0) + 1;
      this.log?.(JSON.stringify({ time: new Date().toISOString(), method: null, path: null, status: parseInt(status), bytes: 0, ms: null, remote: (socket as Socket).remoteAddress ?? null, error: err.code ?? null }));
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      else socket.destroy();
    });
  }

  listen(port = 0, host = "127.0.0.1"): Promise<string> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, host, () => {
        const a = this.http.address() as AddressInfo;
        resolve(`${this.scheme}://${isIPv6(host) ? `[${host}]` : host}:${a.port}${this.base}`);
      });
    });
  }

  /**
   * Stops accepting connections and closes the idle ones; requests already being received or
   * handled may finish for up to `graceMs` (their answers carry Connection: close), then every
   * connection left is dropped. Resolves once no connection is left.
   */
  close(graceMs = 0): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      const force = setTimeout(() => this.http.closeAllConnections(), graceMs);
      this.http.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.http.closeIdleConnections();
      if (graceMs <= 0) this.http.closeAllConnections();
    });
  }

  // Method, path (no query string), status, body bytes, time taken and peer address: nothing a
  // client sent in headers or bodies, so no key, signature or token can reach the log.
  private logRequest(req: http.IncomingMessage, res: http.ServerResponse, started: bigint, finished: boolean): void {
    let path: string | null = null;
    try {
      path = new URL(req.url ?? "/", "http://localhost").pathname.slice(0, 256);
    } catch {
      // an unparseable target: logged without a path
    }
    this.log?.(JSON.stringify({
      time: new Date().toISOString(), method: req.method ?? null, path, status: res.headersSent ? res.statusCode : null,
      bytes: finished ? Number(res.getHeader("content-length") ?? 0) : 0, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
      remote: req.socket.remoteAddress ?? null, ...(finished ? {} : { aborted: true }),
    }));
  }

  private send(res: http.ServerResponse, status: number, body: Buffer | string, type = "application/json", headers: Record<string, string> = {}): void {
    this.counts.byStatus[status] = (this.counts.byStatus[status] ?? 0) + 1;
    const data = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    // No Date header: a 2G device pays for every byte of the answer.
    res.sendDate = false;
    if (this.closing) res.setHeader("Connection", "close");
    // set one by one, so that the request log can read Content-Length back
    for (const [name, value] of Object.entries({ ...headers, "Content-Type": type, "Content-Length": String(data.length) })) res.setHeader(name, value);
    res.writeHead(status);
    res.end(data);
  }

  private fail(res: http.ServerResponse, err: unknown): void {
    const status = err instanceof HttpError ? err.status : err instanceof CodecError ? 400 : 500;
    const message = err instanceof Error ? err.message : String(err);
    if (status >= 400 && status < 500 || status === 500) this.counts.rejected++;
    if (res.headersSent) return void res.destroy();
    if (!res.socket || res.socket.destroyed) return; // gone (e.g. a 408 from the request timeout): no one to answer
    // a body refused unread (too large, or sent to an operator route without the token) is dropped with the socket
    if (status === 413 || !res.req.complete) res.setHeader("Connection", "close");
    this.send(res, status, JSON.stringify({ error: status === 500 ? `internal error: ${message}` : message }), "application/json", err instanceof HttpError ? err.headers : {});
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    let path = url.pathname;
    if (this.base) {
      if (path !== this.base && !path.startsWith(this.base + "/")) throw new HttpError(404, `no route ${path}`);
      path = path.slice(this.base.length) || "/";
    }
    path = path.replace(/\/+$/, "") || "/";
    const route = `${req.method} ${path}`;
    if (OPERATOR_ROUTES.includes(route)) this.authorize(req, route);
    switch (route) {
      case "POST /dd":
      case "POST /device_data":
        return this.deviceData(req, res);
      case "GET /dd":
      case "GET /device_data":
        return this.getData(url, res);
      case "POST /data_format":
        return this.dataFormat(req, res);
      case "POST /devices":
        return this.devices(req, res);
      case "GET /export.csv":
        return this.exportCsv(url, res);
      case "GET /stats":
        return this.send(res, 200, JSON.stringify({ ...(await this.store.stats()), ...this.counts }));
      case "GET /health":
        return this.health(res);
    }
    if (["/dd", "/device_data", "/data_format", "/devices", "/export.csv", "/stats", "/health"].includes(path)) throw new HttpError(405, `${req.method} is not allowed on ${path}`);
    throw new HttpError(404, `no route ${path}`);
  }

  // The operator token, or on POST /data_format (when the server has a JWT key) an HS256 JWT.
  private authorize(req: http.IncomingMessage, route: string): void {
    const jwtKey = route === "POST /data_format" ? this.formatJwtKey : null;
    if (!this.operatorTokenHash && !jwtKey) throw new HttpError(403, "operator routes are disabled: the server was started without an operator token");
    const m = /^Bearer +([^ ]+) *$/i.exec(req.headers.authorization ?? "");
    const realm = 'Bearer realm="opaygo operator"';
    if (!m) throw new HttpError(401, `this route needs Authorization: Bearer <operator token${jwtKey ? " or JWT" : ""}>`, { "WWW-Authenticate": realm });
    if (this.operatorTokenHash && crypto.timingSafeEqual(sha256(m[1]), this.operatorTokenHash)) return;
    const invalid = { "WWW-Authenticate": `${realm}, error="invalid_token"` };
    if (jwtKey && looksLikeJwt(m[1])) {
      const v = verifyHs256(m[1], jwtKey, this.clock());
      if (v.ok) return;
      throw new HttpError(401, v.reason, invalid);
    }
    throw new HttpError(401, "wrong operator token", invalid);
  }

  private async health(res: http.ServerResponse): Promise<void> {
    await this.store.get("SELECT 1 AS ok");
    this.send(res, 200, JSON.stringify({ status: "ok" }));
  }

  // Refuses an oversized body from its Content-Length before reading it, and stops reading a
  // chunked one as soon as it passes the limit.
  private readBody(req: http.IncomingMessage): Promise<Buffer> {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > this.maxBody) {
      return Promise.reject(new HttpError(413, `body of ${declared} bytes; the limit is ${this.maxBody}`));
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > this.maxBody) {
          req.pause();
          reject(new HttpError(413, `body larger than ${this.maxBody} bytes`));
          return;
        }
        chunks.push(c);
      });
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
      // a connection closed (or timed out) before the body's end: nothing to answer
      req.on("close", () => { if (!req.complete) reject(new HttpError(400, "the connection closed before the end of the body")); });
    });
  }

  private async readJson(req: http.IncomingMessage): Promise<any> {
    const body = await this.readBody(req);
    if (bodyKind(req.headers["content-type"]) !== "json") throw new HttpError(415, "send application/json");
    try {
      return JSON.parse(body.toString("utf8"));
    } catch {
      throw new HttpError(400, "the body is not JSON");
    }
  }

  private async dataFormat(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await this.readBody(req);
    const kind = bodyKind(req.headers["content-type"]);
    if (!kind) throw new HttpError(415, "send application/json or application/cbor");
    const f = readFormat(decodeBody(body, kind));
    delete f.id;
    const id = await this.store.addFormat(formatText(f));
    this.send(res, 201, JSON.stringify({ id }));
  }

  private async devices(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const d = await this.readJson(req);
    if (typeof d !== "object" || d === null || Array.isArray(d)) throw new HttpError(400, "a device must be an object");
    if (typeof d.serial !== "string" || d.serial.length < 1 || d.serial.length > 64) throw new HttpError(400, "serial must be a string of 1 to 64 characters");
    if (typeof d.key !== "string" || !/^[0-9a-fA-F]{32}$/.test(d.key)) throw new HttpError(400, "key must be 32 hexadecimal characters");
    const intIn = (v: unknown, max: number) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
    if (d.starting_code !== undefined && !intIn(d.starting_code, 999999999)) throw new HttpError(400, "starting_code must be 0..999999999");
    if (d.count !== undefined && !intIn(d.count, 0xffff)) throw new HttpError(400, "count must be 0..65535");
    const payments: Payment[] = d.payments ?? [];
    if (!Array.isArray(payments) || payments.length > 10000 || !payments.every((p) => p && intIn(p.at, 0xffffffff) && Number.isInteger(p.days) && p.days >= 1 && p.days <= 995)) {
      throw new HttpError(400, "payments must be a list of {at: unix seconds, days: 1..995}");
    }
    if (d.settings !== undefined && d.settings !== null && (typeof d.settings !== "object" || Array.isArray(d.settings))) throw new HttpError(400, "settings must be an object");
    const id = await this.store.upsertDevice({
      serial: d.serial, key: d.key.toLowerCase(), startingCode: d.starting_code ?? keyStartingCode(d.key), count: d.count ?? 1,
      settings: d.settings ?? null, payments,
    });
    this.send(res, 201, JSON.stringify({ id }));
  }

  private async deviceData(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await this.readBody(req);
    const kind = bodyKind(req.headers["content-type"]);
    if (!kind) throw new HttpError(415, "send application/json or application/cbor");
    const r = readRequest(body, kind);
    const receivedAt = this.clock();

    // The replay check reads the device's last ts / rc under its row lock, in the transaction that
    // stores the request: of two copies of one request (on any server process) one is stored.
    const answer = await this.store.transaction(async (tx) => {
      const dev = await tx.lockDevice(r.serial);
      if (!dev) throw new HttpError(404, `unknown device ${r.serial}`);
      let format: DataFormat | null = r.inlineFormat;
      if (r.formatId !== null) {
        const text = (await tx.get<{ body: string }>("SELECT body FROM formats WHERE id = ?", r.formatId))?.body;
        if (text === undefined) throw new HttpError(404, `unknown data format ${r.formatId}`);
        format = parseFormatText(text);
      }
      if (!r.auth) throw new HttpError(403, "the request is not signed");
      const verdict = verifyAuth(r, dev.key, dev.last_ts, dev.last_rc);
      if (!verdict.ok) throw new HttpError(403, verdict.reason);
      const x = expandRequest(r, format, receivedAt);
      const now = r.timestamp ?? receivedAt;

      const { id: requestId } = (await tx.get<{ id: number }>(
        "INSERT INTO requests (device_id, received_at, ts, rc, body_kind, body_bytes, format_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        dev.id, receivedAt, r.timestamp, r.requestCount, kind, body.length, r.formatId))!;
      const point = "INSERT INTO points (device_id, request_id, ts, kind, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
      if (x.data) await tx.run(point, dev.id, requestId, x.data.timestamp, "d", x.data.json);
      for (const row of x.rows) await tx.run(point, dev.id, requestId, row.timestamp, "hd", row.json);
      await tx.run("UPDATE devices SET last_ts = COALESCE(?, last_ts), last_rc = COALESCE(?, last_rc) WHERE id = ?", r.timestamp, r.requestCount, dev.id);

      // Payments that fell due become ADD_TIME tokens, generated with opaygo.wasm.
      let count = dev.token_count;
      const due = await tx.all<{ id: number; days: number }>(
        "SELECT id, days FROM payments WHERE device_id = ? AND token_id IS NULL AND at <= ? ORDER BY at, id", dev.id, now);
      for (const p of due) {
        const t = addTimeToken(dev.key, dev.starting_code, count, p.days);
        const { id: tokenId } = (await tx.get<{ id: number }>(
          "INSERT INTO tokens (device_id, count, token, days, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id", dev.id, t.count, t.token, p.days, now))!;
        await tx.run("UPDATE payments SET token_id = ? WHERE id = ?", tokenId, p.id);
        count = t.count;
      }
      await tx.run("UPDATE devices SET token_count = ? WHERE id = ?", count, dev.id);
      // Tokens the device has not counted yet (it reports its token_count); all of them if it does not say.
      const reported = x.tokenCount ?? -1;
      await tx.run("UPDATE tokens SET confirmed_at = ? WHERE device_id = ? AND count <= ? AND confirmed_at IS NULL", now, dev.id, reported);
      const pending = await tx.all<{ id: number; token: string }>("SELECT id, token FROM tokens WHERE device_id = ? AND count > ? ORDER BY count", dev.id, reported);
      await tx.run("UPDATE tokens SET first_sent_at = ? WHERE device_id = ? AND count > ? AND first_sent_at IS NULL", now, dev.id, reported);
      const settings = dev.settings ? JSON.parse(dev.settings) : null;
      if (settings) await tx.run("UPDATE devices SET settings = NULL WHERE id = ?", dev.id);
      const activeUntil = x.wantsTime ? await this.activeUntil(tx, dev.id) : null;
      const a = encodeAnswer(dev.key, r, { tokens: pending.map((t) => t.token), settings, activeUntil });
      await tx.run("UPDATE requests SET answer = ? WHERE id = ?", a.body, requestId);
      return a;
    });
    this.counts.accepted++;
    this.send(res, 201, answer.body, answer.contentType);
  }

  // The credit the server sold, as the device's ADD_TIME rule computes it.
  private async activeUntil(tx: Transaction, deviceId: number): Promise<number> {
    let until = 0;
    const rows = await tx.all<{ created_at: number; days: number }>("SELECT created_at, days FROM tokens WHERE device_id = ? ORDER BY count", deviceId);
    for (const t of rows) until = Math.max(until, t.created_at) + t.days * DAY;
    return until;
  }

  private range(url: URL, required: boolean): { from?: number; to?: number; serial?: string } {
    const out: { from?: number; to?: number; serial?: string } = {};
    for (const [name, key] of [["from_datetime", "from"], ["to_datetime", "to"]] as const) {
      const v = url.searchParams.get(name);
      if (v === null) {
        if (required) throw new HttpError(400, `${name} is required (ISO 8601)`);
        continue;
      }
      out[key] = parseIso(v, name);
    }
    const serial = url.searchParams.get("serial_number");
    if (serial !== null) out.serial = serial;
    return out;
  }

  private async getData(url: URL, res: http.ServerResponse): Promise<void> {
    const q = this.range(url, true);
    const byRequest = new Map<number, { serial_number: string; timestamp: number | null; data: unknown; historical_data: unknown[] }>();
    for (const p of await this.store.points(q)) {
      let r = byRequest.get(p.request_id);
      if (!r) byRequest.set(p.request_id, (r = { serial_number: p.serial, timestamp: null, data: {}, historical_data: [] }));
      const values = JSON.parse(p.data);
      if (p.kind === "d") {
        r.timestamp = p.ts;
        r.data = values;
      } else r.historical_data.push({ timestamp: p.ts, ...values });
    }
    this.send(res, 200, JSON.stringify([...byRequest.values()]));
  }

  private async exportCsv(url: URL, res: http.ServerResponse): Promise<void> {
    const q = this.range(url, false);
    const text = await pointsCsv(this.store, q);
    this.send(res, 200, text, "text/csv; charset=utf-8");
  }
}

export function parseIso(v: string, name: string): number {
  const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v);
  const t = Date.parse(/T/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? v + "Z" : v);
  if (!m || !Number.isFinite(t)) throw new HttpError(400, `${name} must be an ISO 8601 date or datetime, got ${JSON.stringify(v)}`);
  return Math.floor(t / 1000);
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return "";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Stored points as CSV: serial_number, timestamp (ISO), kind (d status / hd sample), one column per variable. */
export async function pointsCsv(store: Store, q: { from?: number; to?: number; serial?: string }): Promise<string> {
  const rows = await store.points(q);
  const columns: string[] = [];
  const seen = new Set<string>();
  const parsed = rows.map((p) => {
    const v = JSON.parse(p.data) as Record<string, unknown>;
    for (const k of Object.keys(v)) if (!seen.has(k)) { seen.add(k); columns.push(k); }
    return v;
  });
  const lines = [["serial_number", "timestamp", "kind", ...columns].join(",")];
  rows.forEach((p, i) => {
    lines.push([csvCell(p.serial), new Date(p.ts * 1000).toISOString(), p.kind, ...columns.map((c) => csvCell(parsed[i][c]))].join(","));
  });
  return lines.join("\n") + "\n";
}
