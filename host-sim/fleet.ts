// The operator's side of the reference server: device records, payments and the credit they buy,
// replay resets. Every change is one transaction on the device's row and leaves an audit line.
//
// Payments become ADD_TIME tokens when they fall due: at once when their time (`at`, default the
// server's clock) has come, else at the first upload whose time reaches it (a schedule). A payment
// of `days` buys that many days; one `until` a time buys the days from the end of the credit (or
// now, if it has run out) to that time, rounded up; `disable_payg` (paid off: the customer owns
// the device) is a DISABLE_PAYG token, after which the credit no longer ends. A token carries 995
// days at most: longer payments become several tokens.
import { Credit, DeviceRow, PaymentRow, Store, TokenRow, ALL_AUTH_METHODS, DEFAULT_AUTH_METHODS, audit, creditAfter, creditStatements } from "./store.js";
import { HttpError, fields, intField } from "./http-error.js";
import { addTimeToken, disablePaygToken, keyStartingCode } from "./codec.js";

const DAY = 86400;
/** The largest value of an ADD_TIME token (days). */
export const MAX_TOKEN_DAYS = 995;
/** The most days one payment may buy. */
export const MAX_PAYMENT_DAYS = 3650;
const TIME_MAX = 0xffffffff;

/** Turns due payments into tokens, at time `at`, after the device's last token. */
export function creditPayments(dev: DeviceRow, due: PaymentRow[], at: number): Credit {
  const c: Credit = { tokens: [], payments: [], tokenCount: dev.token_count, creditUntil: dev.credit_until, paygDisabled: dev.payg_disabled === 1 };
  for (const p of due) {
    if (p.disable_payg === 1) {
      // the customer owns the device now: a DISABLE_PAYG token, and the credit no longer ends
      const t = disablePaygToken(dev.key, dev.starting_code, c.tokenCount);
      c.tokens.push({ paymentId: p.id, type: "DISABLE_PAYG", count: t.count, token: t.token, days: 0, createdAt: at });
      c.tokenCount = t.count;
      c.paygDisabled = true;
      c.payments.push({ id: p.id, creditedAt: at, daysCredited: 0 });
      continue;
    }
    const days = p.until === null ? p.days : Math.max(0, Math.ceil((p.until - Math.max(c.creditUntil, at)) / DAY));
    for (let left = days; left > 0;) {
      const d = Math.min(left, MAX_TOKEN_DAYS);
      const t = addTimeToken(dev.key, dev.starting_code, c.tokenCount, d);
      c.tokens.push({ paymentId: p.id, type: "ADD_TIME", count: t.count, token: t.token, days: d, createdAt: at });
      c.tokenCount = t.count;
      c.creditUntil = creditAfter(c.creditUntil, at, d);
      left -= d;
    }
    c.payments.push({ id: p.id, creditedAt: at, daysCredited: days });
  }
  return c;
}

/** The auth methods of a device record as a list. */
export const authMethodsOf = (dev: DeviceRow) => dev.auth_methods.split(",").filter(Boolean);

/** A list of auth methods from a body or a CSV cell: known, without repeats, at least one. */
export function authMethodList(v: unknown, what: string): string[] {
  const list = typeof v === "string" ? v.split(/[\s|]+/).filter(Boolean) : v;
  if (!Array.isArray(list) || list.length === 0 || !list.every((m) => (ALL_AUTH_METHODS as readonly unknown[]).includes(m)) || new Set(list).size !== list.length) {
    throw new HttpError(400, `${what} must be a list of distinct auth methods from ${ALL_AUTH_METHODS.join(", ")}`);
  }
  return list as string[];
}

const DEVICE_FIELDS = ["serial", "key", "starting_code", "count", "settings", "auth_methods", "payments", "replace"] as const;

function serialOf(v: unknown): string {
  if (typeof v !== "string" || v.length < 1 || v.length > 64 || /[\u0000-\u001f\u007f]/.test(v)) throw new HttpError(400, "serial must be a string of 1 to 64 characters, no control characters");
  return v;
}

function keyOf(v: unknown): string {
  if (typeof v !== "string" || !/^[0-9a-fA-F]{32}$/.test(v)) throw new HttpError(400, "key must be 32 hexadecimal characters");
  return v.toLowerCase();
}

/**
 * POST /devices: a new device (201), or 409 when the serial exists, unless the body says
 * "replace": true; then the fields the body gives replace the stored ones and the rest is kept
 * (200; a serial that does not exist yet is created, 201).
 */
export async function postDevice(store: Store, body: unknown, now: number): Promise<{ status: number; body: object }> {
  const d = fields(body, "a device", DEVICE_FIELDS);
  const serial = serialOf(d.serial);
  if (d.replace !== undefined && typeof d.replace !== "boolean") throw new HttpError(400, "replace must be true or false");
  const changes: Parameters<Store["updateDevice"]>[1] = {};
  if (d.key !== undefined) changes.key = keyOf(d.key);
  if (d.starting_code !== undefined) changes.starting_code = intField(d.starting_code, "starting_code", 0, 999999999);
  if (d.count !== undefined) changes.token_count = intField(d.count, "count", 0, 0xffff);
  if (d.settings !== undefined) {
    if (d.settings !== null && (typeof d.settings !== "object" || Array.isArray(d.settings))) throw new HttpError(400, "settings must be an object or null");
    changes.settings = d.settings === null ? null : JSON.stringify(d.settings);
  }
  if (d.auth_methods !== undefined) changes.auth_methods = authMethodList(d.auth_methods, "auth_methods").join(",");
  const payments = d.payments === undefined ? [] : scheduledPayments(d.payments);

  if (d.replace === true) {
    if (d.payments !== undefined) throw new HttpError(400, "payments are added to an existing device with POST /devices/{serial}/payments, not with replace");
    const given = Object.keys(changes);
    if (await store.updateDevice(serial, changes, now, "device.replace", { fields: given })) return { status: 200, body: { serial, replaced: given } };
  }
  if (changes.key === undefined) throw new HttpError(400, "key is required for a new device");
  const id = await store.addDevice({
    serial, key: changes.key, startingCode: changes.starting_code ?? keyStartingCode(changes.key), count: changes.token_count ?? 1,
    settings: changes.settings ?? null, authMethods: changes.auth_methods?.split(",") ?? DEFAULT_AUTH_METHODS,
  }, payments, now);
  if (id === undefined) {
    throw new HttpError(409, `device ${serial} already exists; nothing was changed (send "replace": true to change the fields you give, and POST /devices/${encodeURIComponent(serial)}/payments to add a payment)`);
  }
  return { status: 201, body: { id, serial } };
}

function scheduledPayments(v: unknown): { at: number; days: number }[] {
  if (!Array.isArray(v) || v.length > 10000) throw new HttpError(400, "payments must be a list (at most 10,000) of {at: unix seconds, days: 1..3650}");
  return v.map((p, i) => {
    const q = fields(p, `payments[${i}]`, ["at", "days"]);
    return { at: intField(q.at, `payments[${i}].at`, 0, TIME_MAX), days: intField(q.days, `payments[${i}].days`, 1, MAX_PAYMENT_DAYS) };
  });
}

export interface PaymentView {
  reference: string | null;
  at: number;
  days: number | null;
  until: number | null;
  disable_payg: boolean;
  created_at: number;
  credited_at: number | null;
  days_credited: number | null;
  tokens: { token: string; count: number; days: number }[];
}

const paymentView = (p: PaymentRow, tokens: Pick<TokenRow, "token" | "count" | "days">[]): PaymentView => ({
  reference: p.reference, at: p.at, days: p.until === null && p.disable_payg === 0 ? p.days : null, until: p.until, disable_payg: p.disable_payg === 1, created_at: p.created_at,
  credited_at: p.credited_at, days_credited: p.days_credited, tokens: tokens.map((t) => ({ token: t.token, count: t.count, days: t.days })),
});

/**
 * POST /devices/{serial}/payments: credits the device once per reference (the payment provider's
 * transaction id). 201 with the payment and its tokens; the same reference again (a retried
 * webhook) 200 with the same, crediting nothing; a reference already used for another payment 409.
 */
export async function postPayment(store: Store, serial: string, body: unknown, now: number): Promise<{ status: number; body: object }> {
  const b = fields(body, "a payment", ["reference", "days", "until", "disable_payg", "at"]);
  if (typeof b.reference !== "string" || b.reference.length < 1 || b.reference.length > 200) throw new HttpError(400, "reference (the payment provider's transaction id) must be a string of 1 to 200 characters");
  const reference = b.reference;
  if (b.disable_payg !== undefined && b.disable_payg !== true) throw new HttpError(400, "disable_payg can only be true");
  if ([b.days, b.until, b.disable_payg].filter((x) => x !== undefined).length !== 1) throw new HttpError(400, "give either days, until or disable_payg");
  const disable = b.disable_payg === true ? 1 : 0;
  const days = b.days === undefined ? 0 : intField(b.days, "days", 1, MAX_PAYMENT_DAYS);
  const until = b.until === undefined ? null : intField(b.until, "until", 1, TIME_MAX);
  const at = b.at === undefined ? null : intField(b.at, "at", 0, TIME_MAX);
  return store.transaction(async (tx) => {
    const dev = await tx.lockDevice(serial);
    if (!dev) throw new HttpError(404, `unknown device ${serial}`);
    const old = await tx.get<PaymentRow>("SELECT * FROM payments WHERE reference = ?", reference);
    if (old) {
      if (old.device_id !== dev.id || old.days !== days || old.until !== until || old.disable_payg !== disable || (at !== null && old.at !== at)) {
        throw new HttpError(409, `reference ${JSON.stringify(reference)} was already used for another payment; nothing was credited`);
      }
      const tokens = await tx.all<TokenRow>("SELECT token, count, days FROM tokens WHERE payment_id = ? ORDER BY count", old.id);
      return { status: 200, body: { serial, duplicate: true, payment: paymentView(old, tokens), credit_until: dev.credit_until } };
    }
    const p = (await tx.get<PaymentRow>(
      "INSERT INTO payments (device_id, reference, at, days, until, disable_payg, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
      dev.id, reference, at ?? now, days, until, disable, now))!;
    let credit: Credit | null = null;
    if (p.at <= now) {
      credit = creditPayments(dev, [p], now);
      const writes: [string, unknown[]][] = [];
      creditStatements(dev.id, credit, writes);
      for (const [sql, args] of writes) await tx.run(sql, ...args);
    }
    await audit(tx, now, "payment.add", dev.id, { reference, days: b.days ?? null, until, disable_payg: disable === 1, at: p.at, tokens: credit?.tokens.map((t) => t.count) ?? [] });
    const done = credit ? { ...p, credited_at: now, days_credited: credit.payments[0].daysCredited } : p;
    return { status: 201, body: { serial, duplicate: false, payment: paymentView(done, credit?.tokens ?? []), credit_until: credit?.creditUntil ?? dev.credit_until } };
  });
}

/** GET /devices/{serial}: the record without its key, its credit, last request, pending tokens and
 *  settings, auth policy, replay state, refusals and latest payments. */
export async function deviceView(store: Store, serial: string, now: number): Promise<object> {
  const dev = await store.device(serial);
  if (!dev) throw new HttpError(404, `unknown device ${serial}`);
  const [last, pending, refusals, payments] = await Promise.all([
    store.get<{ received_at: number; ts: number | null; rc: number | null; auth: string | null; body_kind: string; body_bytes: number; up_bytes: number | null; down_bytes: number | null }>(
      "SELECT received_at, ts, rc, auth, body_kind, body_bytes, up_bytes, down_bytes FROM requests WHERE device_id = ? ORDER BY id DESC LIMIT 1", dev.id),
    store.all<TokenRow>("SELECT token, count, days, created_at, first_sent_at FROM tokens WHERE device_id = ? AND confirmed_at IS NULL ORDER BY count", dev.id),
    store.all<{ reason: string; count: number; last_at: number }>("SELECT reason, count, last_at FROM refusals WHERE device_id = ? ORDER BY reason", dev.id),
    store.all<PaymentRow>("SELECT * FROM payments WHERE device_id = ? ORDER BY id DESC LIMIT 20", dev.id),
  ]);
  return {
    serial: dev.serial,
    starting_code: dev.starting_code,
    token_count: dev.token_count,
    auth_methods: authMethodsOf(dev),
    replay: { timestamp: dev.last_ts, request_count: dev.last_rc },
    credit: dev.payg_disabled === 1 ? { until: null, seconds_left: null, active: true, payg_disabled: true }
      : { until: dev.credit_until, seconds_left: Math.max(0, dev.credit_until - now), active: dev.credit_until > now, payg_disabled: false },
    pending_settings: dev.settings === null ? null : JSON.parse(dev.settings),
    pending_tokens: pending.map((t) => ({ token: t.token, count: t.count, days: t.days, created_at: t.created_at, first_sent_at: t.first_sent_at })),
    last_request: last ? {
      received_at: last.received_at, timestamp: last.ts, request_count: last.rc, auth: last.auth, body_kind: last.body_kind,
      body_bytes: last.body_bytes, up_bytes: last.up_bytes, down_bytes: last.down_bytes,
    } : null,
    refusals: Object.fromEntries(refusals.map((r) => [r.reason, { count: r.count, last_at: r.last_at }])),
    payments: payments.map((p) => paymentView(p, [])),
    created_at: dev.created_at,
  };
}

/** POST /devices/{serial}/reset-replay: the stored last timestamp and request count, set to what
 *  the body gives (null: none, so any value is accepted next). Returns the state before and after. */
export async function resetReplay(store: Store, serial: string, body: unknown, now: number): Promise<{ before: object; after: object }> {
  const b = fields(body, "a replay reset", ["timestamp", "request_count", "reason"]);
  if (b.timestamp === undefined && b.request_count === undefined) throw new HttpError(400, "give timestamp, request_count or both (null clears one)");
  const value = (v: unknown, name: string) => (v === null ? null : intField(v, name, 0, Number.MAX_SAFE_INTEGER));
  if (b.reason !== undefined && (typeof b.reason !== "string" || b.reason.length > 500)) throw new HttpError(400, "reason must be a string of at most 500 characters");
  const changes: { last_ts?: number | null; last_rc?: number | null } = {};
  if (b.timestamp !== undefined) changes.last_ts = value(b.timestamp, "timestamp");
  if (b.request_count !== undefined) changes.last_rc = value(b.request_count, "request_count");
  return store.transaction(async (tx) => {
    const dev = await tx.lockDevice(serial);
    if (!dev) throw new HttpError(404, `unknown device ${serial}`);
    const before = { timestamp: dev.last_ts, request_count: dev.last_rc };
    const after = { timestamp: changes.last_ts === undefined ? dev.last_ts : changes.last_ts, request_count: changes.last_rc === undefined ? dev.last_rc : changes.last_rc };
    await tx.run("UPDATE devices SET last_ts = ?, last_rc = ? WHERE id = ?", after.timestamp, after.request_count, dev.id);
    await audit(tx, now, "replay.reset", dev.id, { before, after, reason: b.reason ?? null });
    return { before, after };
  });
}
