// The reference OpenPAYGO Metrics server: real HTTP (node:http) on the spec's routes, under a
// base path. Devices, formats, payments, tokens and every data point go to the store
// (host-sim/store.ts: SQLite, or PostgreSQL shared by several server processes).
//
// ROUTES below is the list of every route; GET /openapi.json (host-sim/openapi.ts) documents each
// one's request and answer, and a test checks the two against each other.
// Device routes (POST /dd, /device_data) are authenticated by the device's signature; /health and
// /openapi.json by nothing; every other route is an operator route: it needs
// `Authorization: Bearer <operator token>` (401 and WWW-Authenticate: Bearer without it or with a
// wrong one), and answers 403 when the server was given no operator token at all. POST /data_format
// also takes an HS256 JWT when the server has a JWT key (host-sim/jwt.ts).
// Errors are JSON {"error":"..."}: 400 malformed, 401 operator token missing or wrong, 403 refused
// (signature, replay, auth method, clock skew) or operator routes disabled, 404 unknown device,
// format or route, 405, 408 request not received within the request timeout (then the connection
// is closed), 409 conflict (a device that exists, a payment reference used), 413 too large, 415
// other content types.
import crypto from "node:crypto";
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { AddressInfo, Socket, isIPv6 } from "node:net";
import { Store, roundTrips } from "./store.js";
import { JWT_MIN_KEY_BYTES, looksLikeJwt, verifyHs256 } from "./jwt.js";
import { CodecError, bodyKind, decodeBody, formatText, readFormat } from "./codec.js";
import { HttpError } from "./http-error.js";
import { upload } from "./upload.js";
import { deviceView, postDevice, postPayment, resetReplay } from "./fleet.js";
import { PointQuery, dataJson, parseIso, pointsCsv } from "./data.js";
import { openApiDocument } from "./openapi.js";
import type { CsvDirectory } from "./csv-dir.js";
import { SESSION_COOKIE, SESSION_SECONDS, createSession, deviceHistory, deviceSeries, endSession, fleetPage, fleetQuery, sessionCookie, sessionValid } from "./dashboard.js";
import { UiFiles, dashboardPage, loginPage } from "./pages.js";

export { HttpError } from "./http-error.js";
export { pointsCsv, parseIso } from "./data.js";

export interface ServerOptions {
  store: Store;
  /** path prefix of every route, e.g. "/metrics/v1" */
  basePath?: string;
  /** largest body accepted, bytes (the spec's request limit is 4096 KB) */
  maxBody?: number;
  /** unix seconds: the server's clock (reception time, clock skew, payments due) */
  clock?: () => number;
  /** a request's timestamp more than this many seconds ahead of the server's clock is refused
   *  (default one day) */
  maxClockSkew?: number;
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
  /** receives one JSON line per request (no query string, body or header values) and one per
   *  operator change of a device's replay state; absent: no log */
  log?: (line: string) => void;
  /** also append every accepted request's points to CSV files there (host-sim/csv-dir.ts); run
   *  Store.csvRecover on it before serving */
  csv?: CsvDirectory | null;
  /** the monthly data budget of a device (KB, billed per request in whole KB), shown on the
   *  dashboard (default 750: the seed use case's) */
  monthlyBudgetKb?: number;
}

/** This process's counts (each server process has its own; the database's are in Store.stats). */
export interface ServerCounts {
  accepted: number;
  rejected: number;
  byStatus: Record<number, number>;
}

// device: authenticated by its signature; operator: the operator token (bearer) or a dashboard
// session; page: the same, a browser without either is sent to the login page; public: no one.
type Access = "device" | "operator" | "page" | "public";

interface Call {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  /** the path's parameters ({serial}), decoded */
  params: Record<string, string>;
}

interface Route {
  method: "GET" | "POST";
  /** OpenAPI path template */
  path: string;
  access: Access;
  handle: (s: ReferenceServer, c: Call) => Promise<void>;
}

/** Every route: method, path (OpenAPI template, under the base path), who may call it. */
export const ROUTES: readonly Route[] = [
  { method: "POST", path: "/dd", access: "device", handle: (s, c) => s.deviceData(c) },
  { method: "POST", path: "/device_data", access: "device", handle: (s, c) => s.deviceData(c) },
  { method: "GET", path: "/dd", access: "operator", handle: (s, c) => s.getData(c) },
  { method: "GET", path: "/device_data", access: "operator", handle: (s, c) => s.getData(c) },
  { method: "POST", path: "/data_format", access: "operator", handle: (s, c) => s.dataFormat(c) },
  { method: "POST", path: "/devices", access: "operator", handle: (s, c) => s.postDevice(c) },
  { method: "GET", path: "/devices/{serial}", access: "operator", handle: (s, c) => s.getDevice(c) },
  { method: "POST", path: "/devices/{serial}/payments", access: "operator", handle: (s, c) => s.postPayment(c) },
  { method: "POST", path: "/devices/{serial}/reset-replay", access: "operator", handle: (s, c) => s.resetReplay(c) },
  { method: "GET", path: "/export.csv", access: "operator", handle: (s, c) => s.exportCsv(c) },
  { method: "GET", path: "/stats", access: "operator", handle: (s, c) => s.stats(c) },
  { method: "GET", path: "/health", access: "public", handle: (s, c) => s.health(c) },
  { method: "GET", path: "/openapi.json", access: "public", handle: (s, c) => s.openApi(c) },
  // the dashboard (host-sim/dashboard.ts, ui/dashboard.ts)
  { method: "GET", path: "/", access: "public", handle: async (s, c) => s.redirect(c, "/dashboard") },
  { method: "GET", path: "/login", access: "public", handle: (s, c) => s.loginPage(c) },
  { method: "POST", path: "/login", access: "public", handle: (s, c) => s.login(c) },
  { method: "POST", path: "/logout", access: "operator", handle: (s, c) => s.logout(c) },
  { method: "GET", path: "/dashboard", access: "page", handle: (s, c) => s.page(c, "fleet") },
  { method: "GET", path: "/dashboard/devices/{serial}", access: "page", handle: (s, c) => s.page(c, "device") },
  { method: "GET", path: "/ui/{file}", access: "public", handle: (s, c) => s.uiFile(c) },
  { method: "GET", path: "/fleet", access: "operator", handle: (s, c) => s.fleet(c) },
  { method: "GET", path: "/devices/{serial}/series", access: "operator", handle: (s, c) => s.series(c) },
  { method: "GET", path: "/devices/{serial}/history", access: "operator", handle: (s, c) => s.history(c) },
];

/** Routes an operator uses (provisioning, formats, payments, reading customers' data), as "METHOD /path". */
export const OPERATOR_ROUTES: readonly string[] = ROUTES.filter((r) => r.access === "operator" || r.access === "page").map((r) => `${r.method} ${r.path}`);

// A path template as a pattern: {name} matches one path segment ({file}: a path under /ui/).
const templates = ROUTES.map((r) => ({
  route: r,
  pattern: new RegExp("^" + r.path.replace(/[.]/g, "\\.").replace(/\{(\w+)\}/g, (_m, n) => `(?<${n}>${n === "file" ? "[A-Za-z0-9._/-]+" : "[^/]+"})`) + "$"),
}));

/** The routes whose path template matches a path (under the base path), with its parameters as sent. */
export function routesOf(path: string): { route: Route; params: Record<string, string> }[] {
  return templates.flatMap((t) => {
    const m = t.pattern.exec(path);
    return m ? [{ route: t.route, params: { ...m.groups } }] : [];
  });
}

const sha256 = (text: string) => crypto.createHash("sha256").update(text, "utf8").digest();
const DAY = 86400;

export class ReferenceServer {
  readonly http: http.Server;
  readonly counts: ServerCounts = { accepted: 0, rejected: 0, byStatus: {} };
  private readonly startedAt = Math.floor(Date.now() / 1000);
  private readonly base: string;
  private readonly maxBody: number;
  private readonly maxClockSkew: number;
  private readonly clock: () => number;
  private readonly store: Store;
  /** SHA-256 of the operator token: compared with the hash of the one presented, so the time
   *  taken tells nothing about the token's length or content */
  private readonly operatorTokenHash: Buffer | null;
  private readonly formatJwtKey: Buffer | null;
  private readonly log: ((line: string) => void) | null;
  private readonly csv: CsvDirectory | null;
  private readonly monthlyBudgetKb: number;
  private readonly ui = new UiFiles();
  private readonly scheme: "http" | "https";
  private closing = false;
  /** body bytes of each answer (for the request log; a streamed answer has no Content-Length) */
  private readonly bodyBytes = new WeakMap<http.ServerResponse, number>();

  constructor(o: ServerOptions) {
    this.store = o.store;
    this.operatorTokenHash = o.operatorToken ? sha256(o.operatorToken) : null;
    if (o.formatJwtKey && o.formatJwtKey.length < JWT_MIN_KEY_BYTES) throw new Error(`the JWT key must be at least ${JWT_MIN_KEY_BYTES} bytes`);
    this.formatJwtKey = o.formatJwtKey ?? null;
    this.log = o.log ?? null;
    this.csv = o.csv ?? null;
    this.monthlyBudgetKb = o.monthlyBudgetKb ?? 750;
    this.scheme = o.tls ? "https" : "http";
    this.base = (o.basePath ?? "").replace(/\/+$/, "");
    if (this.base && !this.base.startsWith("/")) this.base = "/" + this.base;
    this.maxBody = o.maxBody ?? 4096 * 1024;
    this.maxClockSkew = o.maxClockSkew ?? DAY;
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
      bytes: finished ? this.bodyBytes.get(res) ?? 0 : 0, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
      remote: req.socket.remoteAddress ?? null, ...(finished ? {} : { aborted: true }),
    }));
  }

  // The answer's headers, in the order written (its head's size is counted for the device's data use).
  private headers(res: http.ServerResponse, type: string, length: number | null, extra: Record<string, string> = {}, close = false): [string, string][] {
    const keepAlive = !close && !this.closing && keepsAlive(res.req);
    return [...Object.entries(extra), ["Content-Type", type], ...(length === null ? [] : [["Content-Length", String(length)] as [string, string]]),
      ["Connection", keepAlive ? "keep-alive" : "close"]];
  }

  private send(res: http.ServerResponse, status: number, body: Buffer | string, type = "application/json", headers: Record<string, string> = {}, close = false): void {
    this.counts.byStatus[status] = (this.counts.byStatus[status] ?? 0) + 1;
    const data = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    // No Date header: a 2G device pays for every byte of the answer.
    res.sendDate = false;
    for (const [name, value] of this.headers(res, type, data.length, headers, close)) res.setHeader(name, value);
    res.writeHead(status);
    this.bodyBytes.set(res, data.length);
    res.end(data);
  }

  // An answer of unknown length, written as its parts come (chunked).
  private async stream(res: http.ServerResponse, type: string, parts: AsyncGenerator<string>, headers: Record<string, string> = {}): Promise<void> {
    const first = await parts.next(); // a failing query fails before anything is sent
    this.counts.byStatus[200] = (this.counts.byStatus[200] ?? 0) + 1;
    res.sendDate = false;
    for (const [name, value] of this.headers(res, type, null, headers)) res.setHeader(name, value);
    res.writeHead(200);
    const counted = this.bodyBytes;
    counted.set(res, 0);
    const rest = Readable.from((async function* () {
      for (let p = first; !p.done; p = await parts.next()) {
        const chunk = Buffer.from(p.value, "utf8");
        counted.set(res, counted.get(res)! + chunk.length);
        yield chunk;
      }
    })());
    await new Promise<void>((resolve) => {
      rest.on("error", () => res.destroy());
      res.on("close", resolve);
      rest.pipe(res);
    });
  }

  private fail(res: http.ServerResponse, err: unknown): void {
    const status = err instanceof HttpError ? err.status : err instanceof CodecError ? (err.tooLarge ? 413 : 400) : 500;
    const message = err instanceof Error ? err.message : String(err);
    if (status >= 400 && status < 500 || status === 500) this.counts.rejected++;
    if (res.headersSent) return void res.destroy();
    if (!res.socket || res.socket.destroyed) return; // gone (e.g. a 408 from the request timeout): no one to answer
    // a body refused unread (too large, or sent to an operator route without the token) is dropped with the socket
    const extra = err instanceof HttpError ? err.extra : {};
    this.send(res, status, JSON.stringify({ error: status === 500 ? `internal error: ${message}` : message, ...extra }), "application/json",
      err instanceof HttpError ? err.headers : {}, status === 413 || !res.req.complete);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    let path = url.pathname;
    if (this.base) {
      if (path !== this.base && !path.startsWith(this.base + "/")) throw new HttpError(404, `no route ${path}`);
      path = path.slice(this.base.length) || "/";
    }
    path = path.replace(/\/+$/, "") || "/";
    const matches = routesOf(path);
    if (matches.length === 0) throw new HttpError(404, `no route ${path}`);
    const match = matches.find((x) => x.route.method === req.method);
    if (!match) throw new HttpError(405, `${req.method} is not allowed on ${path}`, { Allow: matches.map((x) => x.route.method).join(", ") });
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(match.params)) {
      try {
        params[k] = decodeURIComponent(v);
      } catch {
        throw new HttpError(400, `the path's ${k} is not valid percent-encoded UTF-8`);
      }
    }
    const call = { req, res, url, params };
    if (match.route.access === "operator" || match.route.access === "page") {
      if (!(await this.authorize(req, `${match.route.method} ${match.route.path}`, match.route.access === "page"))) return this.redirect(call, "/login");
    }
    await match.route.handle(this, call);
  }

  // The operator token (bearer), a dashboard session (its cookie), or on POST /data_format (when
  // the server has a JWT key) an HS256 JWT. false: none of them, on a page (the browser goes to
  // the login page); elsewhere a missing or wrong one throws.
  private async authorize(req: http.IncomingMessage, route: string, page: boolean): Promise<boolean> {
    const jwtKey = route === "POST /data_format" ? this.formatJwtKey : null;
    if (!this.operatorTokenHash && !jwtKey) throw new HttpError(403, "operator routes are disabled: the server was started without an operator token");
    const m = /^Bearer +([^ ]+) *$/i.exec(req.headers.authorization ?? "");
    const realm = 'Bearer realm="opaygo operator"';
    if (!m && req.headers.authorization === undefined && this.operatorTokenHash) {
      const session = sessionCookie(req.headers.cookie);
      if (session !== null && (await sessionValid(this.store, session, this.now()))) {
        // a session's POST must come from the dashboard's own pages (the cookie is SameSite=Strict too)
        const origin = req.headers.origin;
        if (req.method === "POST" && origin !== undefined && new URL(origin).host !== req.headers.host) throw new HttpError(403, "a session's POST must come from this server's pages");
        return true;
      }
      if (page) return false;
    }
    if (!m) throw new HttpError(401, `this route needs Authorization: Bearer <operator token${jwtKey ? " or JWT" : ""}> or a dashboard session`, { "WWW-Authenticate": realm });
    if (this.operatorTokenHash && crypto.timingSafeEqual(sha256(m[1]), this.operatorTokenHash)) return true;
    const invalid = { "WWW-Authenticate": `${realm}, error="invalid_token"` };
    if (jwtKey && looksLikeJwt(m[1])) {
      const v = verifyHs256(m[1], jwtKey, this.clock());
      if (v.ok) return true;
      throw new HttpError(401, v.reason, invalid);
    }
    throw new HttpError(401, "wrong operator token", invalid);
  }

  // Sessions expire by the real clock, not the server's (which a simulation may run fast).
  private now(): number {
    return Math.floor(Date.now() / 1000);
  }

  redirect(c: Call, to: string, headers: Record<string, string> = {}): void {
    this.send(c.res, 303, "", "text/plain; charset=utf-8", { ...headers, Location: `${this.base}${to}` });
  }

  private html(c: Call, status: number, p: { html: string; csp: string }, headers: Record<string, string> = {}): void {
    this.send(c.res, status, p.html, "text/html; charset=utf-8", { ...headers, "Content-Security-Policy": p.csp, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
  }

  async loginPage(c: Call): Promise<void> {
    this.html(c, 200, loginPage(this.base, this.operatorTokenHash ? null : "This server was started without an operator token: the dashboard is off."));
  }

  // POST /login: the form's token (application/x-www-form-urlencoded); a session cookie and the
  // dashboard, or the login page again with the reason.
  async login(c: Call): Promise<void> {
    const body = await this.readBody(c.req);
    if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.headers["content-type"] ?? "")) throw new HttpError(415, "send the login form (application/x-www-form-urlencoded)");
    const token = new URLSearchParams(body.toString("utf8")).get("token") ?? "";
    if (!this.operatorTokenHash || !crypto.timingSafeEqual(sha256(token.trim()), this.operatorTokenHash)) {
      return this.html(c, 401, loginPage(this.base, this.operatorTokenHash ? "Wrong operator token." : "This server was started without an operator token: the dashboard is off."));
    }
    const id = await createSession(this.store, this.now());
    const cookie = `${SESSION_COOKIE}=${id}; Path=${this.base || "/"}; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict${this.scheme === "https" ? "; Secure" : ""}`;
    this.redirect(c, "/dashboard", { "Set-Cookie": cookie });
  }

  async logout(c: Call): Promise<void> {
    const session = sessionCookie(c.req.headers.cookie);
    if (session !== null) await endSession(this.store, session);
    this.redirect(c, "/login", { "Set-Cookie": `${SESSION_COOKIE}=; Path=${this.base || "/"}; Max-Age=0; HttpOnly; SameSite=Strict${this.scheme === "https" ? "; Secure" : ""}` });
  }

  async page(c: Call, which: "fleet" | "device"): Promise<void> {
    this.html(c, 200, dashboardPage(this.base, which, which === "device" ? c.params.serial : null));
  }

  async uiFile(c: Call): Promise<void> {
    const f = this.ui.get(c.params.file);
    if (!f) throw new HttpError(404, `no file ${c.params.file}`);
    this.send(c.res, 200, f.body, f.type, { "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" });
  }

  async fleet(c: Call): Promise<void> {
    this.send(c.res, 200, JSON.stringify(await fleetPage(this.store, fleetQuery(c.url), this.clock(), this.monthlyBudgetKb)));
  }

  async series(c: Call): Promise<void> {
    const time = (name: string, fallback: number) => {
      const v = c.url.searchParams.get(name);
      if (v === null) return fallback;
      if (!/^\d{1,12}$/.test(v)) throw new HttpError(400, `${name} must be unix seconds`);
      return Number(v);
    };
    const to = time("to", 2 ** 53);
    this.send(c.res, 200, JSON.stringify(await deviceSeries(this.store, c.params.serial, time("from", 0), to)));
  }

  async history(c: Call): Promise<void> {
    this.send(c.res, 200, JSON.stringify(await deviceHistory(this.store, c.params.serial)));
  }

  async health(c: Call): Promise<void> {
    await this.store.get("SELECT 1 AS ok");
    this.send(c.res, 200, JSON.stringify({ status: "ok" }));
  }

  async openApi(c: Call): Promise<void> {
    this.send(c.res, 200, JSON.stringify(openApiDocument({ basePath: this.base, maxBody: this.maxBody, maxClockSkew: this.maxClockSkew })));
  }

  async stats(c: Call): Promise<void> {
    this.send(c.res, 200, JSON.stringify({
      database: await this.store.stats(),
      process: {
        pid: process.pid, started_at: this.startedAt, accepted: this.counts.accepted, rejected: this.counts.rejected, by_status: this.counts.byStatus,
        cpu_ms: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000), db_round_trips: roundTrips(this.store),
      },
    }));
  }

  // Refuses an oversized body from its Content-Length before reading it, and stops reading a
  // chunked one as soon as it passes the limit.
  private readBody(req: http.IncomingMessage): Promise<Buffer> {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > this.maxBody) {
      return Promise.reject(new HttpError(413, `body of ${declared} bytes; the limit is ${this.maxBody} bytes`));
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > this.maxBody) {
          req.pause();
          reject(new HttpError(413, `body larger than ${this.maxBody} bytes, the limit`));
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

  private async readJson(req: http.IncomingMessage): Promise<unknown> {
    const body = await this.readBody(req);
    if (bodyKind(req.headers["content-type"]) !== "json") throw new HttpError(415, "send application/json");
    try {
      return JSON.parse(body.toString("utf8"));
    } catch {
      throw new HttpError(400, "the body is not JSON");
    }
  }

  async deviceData(c: Call): Promise<void> {
    const body = await this.readBody(c.req);
    const kind = bodyKind(c.req.headers["content-type"]);
    if (!kind) throw new HttpError(415, "send application/json or application/cbor");
    const a = await upload(body, kind, {
      store: this.store, receivedAt: this.clock(), maxClockSkew: this.maxClockSkew, upBytes: requestBytes(c.req, body.length),
      answerHeadBytes: (n, type) => headBytes(201, this.headers(c.res, type, n)), csv: this.csv,
    });
    this.counts.accepted++;
    this.send(c.res, 201, a.body, a.contentType);
  }

  async dataFormat(c: Call): Promise<void> {
    const body = await this.readBody(c.req);
    const kind = bodyKind(c.req.headers["content-type"]);
    if (!kind) throw new HttpError(415, "send application/json or application/cbor");
    const f = readFormat(decodeBody(body, kind));
    delete f.id;
    const names = (k: string) => (Array.isArray(f[k]) ? (f[k] as unknown[]).length : 0);
    if (names("data_order") + names("historical_data_order") === 0) {
      throw new HttpError(400, "a data format names at least one variable in data_order or historical_data_order");
    }
    const id = await this.store.addFormat(formatText(f));
    this.send(c.res, 201, JSON.stringify({ id }));
  }

  async postDevice(c: Call): Promise<void> {
    const r = await postDevice(this.store, await this.readJson(c.req), this.clock());
    this.send(c.res, r.status, JSON.stringify(r.body));
  }

  async getDevice(c: Call): Promise<void> {
    this.send(c.res, 200, JSON.stringify(await deviceView(this.store, c.params.serial, this.clock())));
  }

  async postPayment(c: Call): Promise<void> {
    const r = await postPayment(this.store, c.params.serial, await this.readJson(c.req), this.clock());
    this.send(c.res, r.status, JSON.stringify(r.body));
  }

  async resetReplay(c: Call): Promise<void> {
    const serial = c.params.serial;
    const r = await resetReplay(this.store, serial, await this.readJson(c.req), this.clock());
    this.log?.(JSON.stringify({ time: new Date().toISOString(), event: "replay.reset", serial, ...r }));
    this.send(c.res, 200, JSON.stringify({ serial, replay: r.after, before: r.before }));
  }

  private range(url: URL, required: boolean): PointQuery {
    const out: PointQuery = {};
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

  async getData(c: Call): Promise<void> {
    await this.stream(c.res, "application/json", dataJson(this.store, this.range(c.url, true)));
  }

  async exportCsv(c: Call): Promise<void> {
    await this.stream(c.res, "text/csv; charset=utf-8", pointsCsv(this.store, this.range(c.url, false)));
  }
}

// Whether the connection stays open after the answer (HTTP/1.1 unless the client said close;
// HTTP/1.0 only if it asked for keep-alive). The server writes Connection itself, so Node adds none.
function keepsAlive(req: http.IncomingMessage): boolean {
  const conn = String(req.headers.connection ?? "").toLowerCase();
  return req.httpVersion === "1.1" ? !/\bclose\b/.test(conn) : /\bkeep-alive\b/.test(conn);
}

/** Bytes of an answer's status line and headers as Node writes them. */
function headBytes(status: number, headers: [string, string][]): number {
  let n = `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n\r\n`.length;
  for (const [k, v] of headers) n += Buffer.byteLength(`${k}: ${v}\r\n`);
  return n;
}

/** Bytes of a request as sent: request line, headers, body. */
function requestBytes(req: http.IncomingMessage, bodyBytes: number): number {
  let n = Buffer.byteLength(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n\r\n`) + bodyBytes;
  for (let i = 0; i < req.rawHeaders.length; i += 2) n += Buffer.byteLength(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`);
  return n;
}
