// One HTTP exchange the way a 2G device makes it: a fresh TCP connection per request, and the
// bytes counted on the socket (request line, headers and body as actually sent and received).
import http from "node:http";

export interface Exchange {
  status: number;
  body: Buffer;
  contentType: string;
  bytesUp: number;
  bytesDown: number;
}

export function exchange(url: URL, method: "GET" | "POST", body: Buffer | null, contentType: string | null, timeoutMs = 15000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    if (body) {
      headers["Content-Type"] = contentType ?? "application/octet-stream";
      headers["Content-Length"] = body.length;
    }
    const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, agent: false, headers });
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

export async function postJson(url: URL, value: unknown): Promise<any> {
  const r = await exchange(url, "POST", Buffer.from(JSON.stringify(value)), "application/json");
  const text = r.body.toString("utf8");
  if (r.status !== 201 && r.status !== 200) throw new Error(`${url.pathname}: HTTP ${r.status} ${text}`);
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
