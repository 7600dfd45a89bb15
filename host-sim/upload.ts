// A device's upload (POST /dd): checked, stored and answered in one transaction on the device's row.
// Order of the checks, each refusal changing nothing of the device's state (it is counted in
// the device's refusals, for the operator): the body (400, or 413 past the module's limits), the
// device (404), its auth policy (403 auth_method), the signature and replay protection (403),
// the clock (403 clock_skew, with the server's time), the data format (404), the expansion (400).
import { Store, UploadRead, UploadWrite, TokenRow, RefusalReason } from "./store.js";
import { HttpError } from "./http-error.js";
import { BodyKind, CodecError, DataFormat, encodeAnswer, expandRequest, parseFormatText, readRequest, verifyAuth } from "./codec.js";
import { authMethodsOf, creditPayments } from "./fleet.js";
import type { CsvDirectory } from "./csv-dir.js";

/** A refusal that names the device it was for (so it is counted against it). */
export class Refusal extends HttpError {
  constructor(readonly deviceId: number, readonly reason: RefusalReason, status: number, message: string, extra: Record<string, unknown> = {}) {
    super(status, message, {}, extra);
  }
}

export interface UploadOptions {
  store: Store;
  /** the server's clock (unix seconds) when the request arrived */
  receivedAt: number;
  /** a request timestamp more than this many seconds ahead of the server's clock is refused */
  maxClockSkew: number;
  /** bytes of the request on the wire (request line, headers, body) */
  upBytes: number;
  /** bytes of the answer's status line and headers, for an answer body of n bytes */
  answerHeadBytes: (n: number, contentType: string) => number;
  /** where the stored points are also appended as CSV files (--csv-dir), or null */
  csv: CsvDirectory | null;
}

export interface UploadResult {
  body: Buffer;
  contentType: string;
  /** points stored (a point resent unchanged is not stored twice) */
  stored: number;
}

export async function upload(body: Buffer, kind: BodyKind, o: UploadOptions): Promise<UploadResult> {
  const r = readRequest(body, kind);
  const at = r.timestamp ?? o.receivedAt;
  let answer: { body: Buffer; contentType: string } | null = null;
  let deviceId = 0;
  const decide = (read: UploadRead): UploadWrite => {
    const dev = read.device;
    if (!dev) throw new HttpError(404, `unknown device ${r.serial}`);
    deviceId = dev.id;
    let format: DataFormat | null = r.inlineFormat;
    if (r.formatId !== null) {
      if (read.format === null) throw new HttpError(404, `unknown data format ${r.formatId}`);
      format = parseFormatText(read.format);
    }
    if (!r.auth) throw new Refusal(dev.id, "unsigned", 403, "the request is not signed");
    const method = r.auth.slice(0, 2);
    const allowed = authMethodsOf(dev);
    if (!allowed.includes(method)) throw new Refusal(dev.id, "auth_method", 403, `auth method ${JSON.stringify(method)} is not allowed for device ${r.serial} (allowed: ${allowed.join(", ")})`);
    const verdict = verifyAuth(r, dev.key, dev.last_ts, dev.last_rc);
    if (!verdict.ok) throw new Refusal(dev.id, verdict.kind, 403, verdict.reason);
    if (r.timestamp !== null && r.timestamp > o.receivedAt + o.maxClockSkew) {
      throw new Refusal(dev.id, "clock_skew", 403,
        `clock skew: timestamp ${r.timestamp} is ${r.timestamp - o.receivedAt} s ahead of the server's time ${o.receivedAt}; the limit is ${o.maxClockSkew} s`,
        { server_time: o.receivedAt, max_clock_skew: o.maxClockSkew });
    }
    const x = expandRequest(r, format, o.receivedAt);
    const credit = creditPayments(dev, read.due, at);
    // Tokens the device has not counted yet (it reports its token_count); all of them if it does not say.
    const reported = x.tokenCount ?? -1;
    const pending: Pick<TokenRow, "count" | "token">[] = [...read.unconfirmed, ...credit.tokens].filter((t) => t.count > reported).sort((a, b) => a.count - b.count);
    const settings = dev.settings ? JSON.parse(dev.settings) : null;
    answer = encodeAnswer(dev.key, r, {
      tokens: pending.map((t) => t.token), settings,
      // (a paid-off device gets no time: like a SET_TIME token, it would end its unlimited credit)
      activeUntil: x.wantsTime && !credit.paygDisabled ? credit.creditUntil : null,
      secondsLeft: x.wantsSecondsLeft && !credit.paygDisabled ? Math.max(0, credit.creditUntil - at) : null,
    });
    return {
      request: {
        receivedAt: o.receivedAt, ts: r.timestamp, rc: r.requestCount, auth: method, bodyKind: kind, bodyBytes: body.length, upBytes: o.upBytes,
        downBytes: o.answerHeadBytes(answer.body.length, answer.contentType) + answer.body.length, formatId: r.formatId, answer: answer.body,
      },
      points: [...(x.data ? [{ ts: x.data.timestamp, kind: "d" as const, data: x.data.json }] : []), ...x.rows.map((p) => ({ ts: p.timestamp, kind: "hd" as const, data: p.json }))],
      credit,
      confirmedUpTo: x.tokenCount,
      sentAbove: reported,
      at,
      clearSettings: settings !== null,
    };
  };
  try {
    const { stored } = await o.store.upload(r.serial, r.formatId, at, decide, o.csv);
    return { ...answer!, stored };
  } catch (e) {
    if (e instanceof Refusal) await o.store.refused(e.deviceId, e.reason, o.receivedAt);
    else if (e instanceof CodecError && deviceId !== 0) await o.store.refused(deviceId, e.tooLarge ? "too_large" : "malformed", o.receivedAt);
    throw e;
  }
}
