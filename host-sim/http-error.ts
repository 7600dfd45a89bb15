/** An answer other than success: its status, a message for the JSON error body, extra headers, and
 *  extra members of the error body (e.g. the server's time on a clock-skew refusal). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

/** A strict JSON object body: every member must be one of `allowed` (a misspelt field is refused,
 *  never ignored). */
export function fields(body: unknown, what: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, `${what} must be a JSON object`);
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new HttpError(400, `${what}: unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")} (allowed: ${allowed.join(", ")})`);
  return body as Record<string, unknown>;
}

/** An integer in [min, max], or a 400 naming the field. */
export function intField(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new HttpError(400, `${name} must be an integer from ${min} to ${max}`);
  return v;
}
