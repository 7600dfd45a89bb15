// JSON Web Tokens (RFC 7519) signed with HMAC-SHA256 (JWS "HS256", RFC 7515 compact form): the
// Metrics specification's JWT alternative for registering data formats. Only HS256 is accepted
// (never "none" or an algorithm named by the token against another key type); "exp" and "nbf"
// are checked when present; the signature is compared in constant time.
import crypto from "node:crypto";

export type JwtVerdict = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

const PART = /^[A-Za-z0-9_-]+$/;
/** the shortest HMAC key we take: SHA-256's output size (RFC 7518 section 3.2) */
export const JWT_MIN_KEY_BYTES = 32;

/** Whether a bearer token has the compact JWS form (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  const parts = token.split(".");
  return parts.length === 3 && parts.every((p) => PART.test(p));
}

function jsonPart(part: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** Verifies an HS256 JWT with `key` at unix time `now` (seconds). */
export function verifyHs256(token: string, key: Buffer, now: number): JwtVerdict {
  if (!looksLikeJwt(token)) return { ok: false, reason: "not a JWT (header.payload.signature in base64url)" };
  const [h, p, s] = token.split(".");
  const header = jsonPart(h);
  if (!header) return { ok: false, reason: "the JWT header is not a JSON object" };
  if (header.alg !== "HS256") return { ok: false, reason: "the JWT must be signed with HS256" };
  if (header.crit !== undefined) return { ok: false, reason: "the JWT has critical header parameters this server does not know" };
  const expected = crypto.createHmac("sha256", key).update(`${h}.${p}`, "ascii").digest();
  const given = Buffer.from(s, "base64url");
  // the length of an HS256 signature is public (32 bytes): only the content is compared in constant time
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: "bad JWT signature" };
  const claims = jsonPart(p);
  if (!claims) return { ok: false, reason: "the JWT payload is not a JSON object" };
  for (const name of ["exp", "nbf"] as const) {
    if (claims[name] !== undefined && (typeof claims[name] !== "number" || !Number.isFinite(claims[name]))) return { ok: false, reason: `the JWT's ${name} must be a number` };
  }
  if (typeof claims.exp === "number" && now >= claims.exp) return { ok: false, reason: "the JWT has expired" };
  if (typeof claims.nbf === "number" && now < claims.nbf) return { ok: false, reason: "the JWT is not valid yet" };
  return { ok: true, claims };
}

/** An HS256 JWT for `claims` (the tests' and operators' counterpart of verifyHs256). */
export function signHs256(claims: Record<string, unknown>, key: Buffer): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v), "utf8").toString("base64url");
  const head = `${enc({ alg: "HS256", typ: "JWT" })}.${enc(claims)}`;
  return `${head}.${crypto.createHmac("sha256", key).update(head, "ascii").digest("base64url")}`;
}
