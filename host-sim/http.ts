// One HTTP exchange the way a 2G device makes it: a fresh TCP connection per request, and the
// bytes counted on the socket (request line, headers and body as actually sent and received).
// https:// URLs go over TLS.
import http from "node:http";
import https from "node:https";

export interface Exchange {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  contentType: string;
  bytesUp: number;
  bytesDown: number;
}

export interface ExchangeOptions {
  timeoutMs?: number;
  /** operator bearer token, for the server's operator routes */
  token?: string;
  /** certificates to trust for https:// besides the system's (e.g. a test's self-signed one) */
  ca?: string | Buffer;
  /** more request headers */
  headers?: Record<string, string>;
}

export function exchange(url: URL, method: "GET" | "POST", body: Buffer | null, contentType: string | null, o: ExchangeOptions = {}): Promise<Exchange> {
  const timeoutMs = o.timeoutMs ?? 15000;
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { ...o.headers };
    if (body) {
      headers["Content-Type"] = contentType ?? "application/octet-stream";
      headers["Content-Length"] = body.length;
    }
    if (o.token !== undefined) headers["Authorization"] = `Bearer ${o.token}`;
    const target = { hostname: url.hostname.replace(/^\[|\]$/g, ""), port: url.port, path: url.pathname + url.search, method, agent: false, headers };
    const req = url.protocol === "https:" ? https.request({ ...target, ca: o.ca }) : http.request(target);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url.host} within ${timeoutMs} ms`)));
    let socket: import("node:net").Socket | null = null;
    req.on("socket", (s) => (socket = s));
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const s = socket as import("node:net").Socket | null;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          contentType: String(res.headers["content-type"] ?? ""),
          bytesUp: s?.bytesWritten ?? 0,
          bytesDown: s?.bytesRead ?? 0,
        });
      });
    });
    req.end(body ?? undefined);
  });
}

/** A server refused what was sent: its status and its answer. */
export class HttpStatusError extends Error {
  constructor(readonly path: string, readonly status: number, readonly answer: string) {
    super(`${path}: HTTP ${status} ${answer}`);
    this.name = "HttpStatusError";
  }
}

export async function postJson(url: URL, value: unknown, o: ExchangeOptions = {}): Promise<any> {
  const r = await exchange(url, "POST", Buffer.from(JSON.stringify(value)), "application/json", o);
  const text = r.body.toString("utf8");
  if (r.status !== 201 && r.status !== 200) throw new HttpStatusError(url.pathname, r.status, text);
  return JSON.parse(text);
}

/** base URL + route, keeping any path in the base */
export function route(base: string, path: string): URL {
  const u = new URL(base);
  const [p, query] = path.split("?", 2);
  u.pathname = u.pathname.replace(/\/+$/, "") + p;
  if (query !== undefined) u.search = "?" + query;
  return u;
}
