// The reference server's routes, their request and answer bodies, as an OpenAPI 3.1 document
// (served at GET /openapi.json). tests/openapi.test.ts checks it against the official OpenAPI 3.1
// schema, that it names exactly the server's routes (ROUTES in server.ts), and every answer the
// server tests receive against the schema given here for its route and status.
import { SERVER_MEMORY_LIMIT } from "../bindings/server.js";

type Schema = Record<string, unknown>;

const int = (description: string, extra: Schema = {}): Schema => ({ type: "integer", description, ...extra });
const str = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });
const nullable = (s: Schema): Schema => ({ ...s, type: [s.type as string, "null"] });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const obj = (properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema => ({
  type: "object", properties, required, additionalProperties: false, ...extra,
});
const unix = (description: string) => int(`${description} (unix seconds)`, { minimum: 0 });

const json = (schema: Schema) => ({ "application/json": { schema } });
const error = (description: string) => ({ description, content: json(ref("Error")) });
const OPERATOR = [{ operatorToken: [] }, { session: [] }];

const SERIAL_PARAM = { name: "serial", in: "path", required: true, description: "the device's serial number (percent-encoded)", schema: { type: "string" } };
const RANGE_PARAMS = (required: boolean) => [
  { name: "from_datetime", in: "query", required, description: "first time included (ISO 8601; UTC when no offset is given)", schema: { type: "string" } },
  { name: "to_datetime", in: "query", required, description: "first time excluded (ISO 8601)", schema: { type: "string" } },
  { name: "serial_number", in: "query", required: false, description: "one device only", schema: { type: "string" } },
];

const AUTH_METHOD = { type: "string", enum: ["sa", "ta", "ca", "da", "ra"] };

const SCHEMAS: Record<string, Schema> = {
  Error: obj({
    error: str("what was wrong"),
    server_time: unix("the server's clock, on a clock-skew refusal"),
    max_clock_skew: int("seconds a request's timestamp may be ahead of the server's clock, on a clock-skew refusal"),
  }, ["error"]),
  MetricsRequest: {
    type: "object",
    description: "An OpenPAYGO Metrics request, condensed or simple names (JSON; or the same as CBOR with Content-Type application/cbor). " +
      "sn / serial_number and d / data or hd / historical_data are required; a signed request (a / auth) needs ts / timestamp or rc / request_count.",
    properties: {
      sn: { type: "string" }, serial_number: { type: "string" }, df: { type: "integer" }, data_format_id: { type: "integer" },
      dfo: { type: "object" }, data_format: { type: "object" }, ts: { type: "integer" }, timestamp: { type: "integer" },
      rc: { type: "integer" }, request_count: { type: "integer" }, dtc: { type: "integer" }, dct: { type: "integer" }, data_collection_timestamp: { type: "integer" },
      d: { type: ["object", "array"] }, data: { type: ["object", "array"] }, hd: { type: ["array", "object"] }, historical_data: { type: ["array", "object"] },
      acc: { type: "array" }, accessories: { type: "array" }, a: { type: "string" }, auth: { type: "string" },
    },
  },
  MetricsAnswer: {
    type: "object",
    description: "The answer: {} or condensed members, signed with da (a, last) when it carries more than tokens.",
    properties: {
      tkl: { type: "array", items: { type: "string" }, description: "tokens the device has not counted yet, oldest first" },
      auts: unix("the credit's end, when the request asked for it (autsr)"),
      asl: int("seconds of credit left, when the request asked for them (aslr) and not for auts", { minimum: 0 }),
      st: { type: "object", description: "settings the operator gave (sent once)" },
      a: str("the answer's signature (da)"),
    },
    additionalProperties: false,
  },
  DataFormat: {
    type: "object",
    description: "A data format (the specification's): at least one variable in data_order or historical_data_order",
    properties: {
      data_order: { type: "array", items: { type: "string" } },
      historical_data_order: { type: "array", items: { type: "string" } },
      historical_data_interval: int("seconds between historical rows; negative: rows newest first"),
      variables: { type: "object", additionalProperties: { type: "object" } },
    },
  },
  FormatId: obj({ id: int("the data format's id (df / data_format_id in requests)") }, ["id"]),
  NewDevice: obj({
    serial: str("1 to 64 characters, no control characters", { minLength: 1, maxLength: 64 }),
    key: str("the device's secret key, 32 hex digits (required for a new device)", { pattern: "^[0-9a-fA-F]{32}$" }),
    starting_code: int("the token chain's starting code (default: the one derived from the key)", { minimum: 0, maximum: 999999999 }),
    count: int("the device's token count when provisioned (default 1)", { minimum: 0, maximum: 65535 }),
    settings: { type: ["object", "null"], description: "settings sent with the next answer" },
    auth_methods: { type: "array", items: AUTH_METHOD, minItems: 1, uniqueItems: true, description: "auth methods the device may sign with (default: all but sa)" },
    payments: { type: "array", maxItems: 10000, items: obj({ at: unix("when it falls due"), days: int("days of credit", { minimum: 1, maximum: 3650 }) }, ["at", "days"]), description: "scheduled payments (new devices only)" },
    replace: { type: "boolean", description: "true: an existing device's fields that the body gives are replaced, the rest kept" },
  }, ["serial"]),
  DeviceCreated: obj({ id: int("the device's id"), serial: str("its serial") }, ["id", "serial"]),
  DeviceReplaced: obj({ serial: str("its serial"), replaced: { type: "array", items: { type: "string" }, description: "the fields replaced" } }, ["serial", "replaced"]),
  Payment: obj({
    reference: str("the payment provider's transaction id: a device is credited once per reference", { minLength: 1, maxLength: 200 }),
    days: int("days of credit", { minimum: 1, maximum: 3650 }),
    until: unix("credit up to this time (instead of days)"),
    disable_payg: { const: true, description: "paid off: a DISABLE_PAYG token, the device unlocked for good (instead of days)" },
    at: unix("when the payment counts (default now; a later time schedules it)"),
  }, ["reference"], { oneOf: [{ required: ["days"] }, { required: ["until"] }, { required: ["disable_payg"] }] }),
  PaymentView: obj({
    reference: nullable(str("the provider's id")), at: unix("when it counts"), days: nullable(int("days paid for")), until: nullable(unix("credit up to")),
    disable_payg: { type: "boolean", description: "paid off" },
    created_at: unix("when it was recorded"), credited_at: nullable(unix("when it became tokens")), days_credited: nullable(int("days the tokens carry")),
    tokens: { type: "array", items: obj({ token: str("9 digits"), count: int("its count"), days: int("its days") }, ["token", "count", "days"]) },
  }, ["reference", "at", "days", "until", "disable_payg", "created_at", "credited_at", "days_credited", "tokens"]),
  PaymentResult: obj({
    serial: str("the device"), duplicate: { type: "boolean", description: "true: the reference was seen before; nothing was credited now" },
    payment: ref("PaymentView"), credit_until: unix("the server's model of the device's credit end"),
  }, ["serial", "duplicate", "payment", "credit_until"]),
  Device: obj({
    serial: str("its serial"), starting_code: int("its token chain's starting code"), token_count: int("the count of the last token generated"),
    auth_methods: { type: "array", items: AUTH_METHOD },
    replay: ref("ReplayState"),
    credit: obj({
      until: nullable(unix("credit end (the server's model; null once PAYG is disabled)")), seconds_left: nullable(int("seconds left now")),
      active: { type: "boolean" }, payg_disabled: { type: "boolean", description: "paid off: unlocked for good" },
    }, ["until", "seconds_left", "active", "payg_disabled"]),
    pending_settings: { type: ["object", "null"] },
    pending_tokens: { type: "array", items: obj({ token: str("the token"), count: int("count"), days: int("days"), created_at: unix("made"), first_sent_at: nullable(unix("first sent")) }, ["token", "count", "days", "created_at", "first_sent_at"]) },
    last_request: {
      oneOf: [{ type: "null" }, obj({
        received_at: unix("received"), timestamp: nullable(int("its ts")), request_count: nullable(int("its rc")), auth: nullable(str("its auth method")),
        body_kind: { enum: ["json", "cbor"] }, body_bytes: int("body bytes"), up_bytes: nullable(int("bytes on the wire, request")), down_bytes: nullable(int("bytes on the wire, answer")),
      }, ["received_at", "timestamp", "request_count", "auth", "body_kind", "body_bytes", "up_bytes", "down_bytes"])],
    },
    refusals: { type: "object", additionalProperties: obj({ count: int("refusals"), last_at: unix("the last") }, ["count", "last_at"]), description: "refused requests by reason" },
    payments: { type: "array", items: ref("PaymentView"), description: "the 20 latest" },
    created_at: unix("provisioned"),
  }, ["serial", "starting_code", "token_count", "auth_methods", "replay", "credit", "pending_settings", "pending_tokens", "last_request", "refusals", "payments", "created_at"]),
  ReplayState: obj({ timestamp: nullable(int("the last accepted timestamp")), request_count: nullable(int("the last accepted request count")) }, ["timestamp", "request_count"]),
  ReplayReset: obj({
    timestamp: nullable(int("the new last timestamp (null: none)", { minimum: 0 })), request_count: nullable(int("the new last request count (null: none)", { minimum: 0 })),
    reason: str("why (kept in the audit log)", { maxLength: 500 }),
  }, [], { anyOf: [{ required: ["timestamp"] }, { required: ["request_count"] }] }),
  ReplayResetResult: obj({ serial: str("the device"), replay: ref("ReplayState"), before: ref("ReplayState") }, ["serial", "replay", "before"]),
  StoredData: {
    type: "array",
    description: "One object per stored request (its points in the range), values exactly as stored",
    items: obj({
      serial_number: { type: "string" }, timestamp: nullable(unix("the status data's time")), data: { type: "object" },
      historical_data: { type: "array", items: { type: "object", required: ["timestamp"] } },
    }, ["serial_number", "timestamp", "data", "historical_data"]),
  },
  Stats: obj({
    database: obj(Object.fromEntries(["devices", "requests", "points", "samples", "tokens", "confirmed", "payments", "refusals"].map((k) => [k, int(`${k} in the database (every server process)`)])),
      ["devices", "requests", "points", "samples", "tokens", "confirmed", "payments", "refusals"]),
    process: obj({
      pid: int("this process"), started_at: unix("started"), accepted: int("uploads this process accepted"), rejected: int("requests this process refused"),
      by_status: { type: "object", additionalProperties: { type: "integer" }, description: "answers of this process by status" },
      cpu_ms: int("CPU time this process has used (user and system)"), db_round_trips: int("round trips to PostgreSQL (0 on SQLite)"),
    }, ["pid", "started_at", "accepted", "rejected", "by_status", "cpu_ms", "db_round_trips"]),
  }, ["database", "process"]),
  Health: obj({ status: { const: "ok" } }, ["status"]),
  FleetPage: obj({
    now: unix("the server's clock (times on the page are relative to it)"), total: int("devices that match the filter"), month: str("the month of the data use (YYYY-MM, UTC, the server's clock)"),
    budget_kb: int("the monthly data budget of a device (--monthly-budget-kb)"), latest_request: int("the newest request's id (a page polls for a higher one)"),
    rows: { type: "array", items: ref("FleetRow") },
  }, ["now", "total", "month", "budget_kb", "latest_request", "rows"]),
  FleetRow: obj({
    serial: str("the device"), last_upload: nullable(unix("its last accepted upload (the server's clock)")), last_timestamp: nullable(int("that upload's ts")),
    credit_until: unix("the credit's end (the server's model)"), seconds_left: nullable(int("credit left (null: PAYG disabled)")), active: { type: "boolean" },
    payg_disabled: { type: "boolean" }, tokens_pending: int("tokens the device has not confirmed"), month_requests: int("uploads this month"),
    month_bytes: int("bytes on the wire this month (requests and answers)"), month_billed_kb: int("KB billed this month (each upload rounded up to a whole KB)"),
    auth_methods: { type: "array", items: AUTH_METHOD }, last_auth: nullable(str("the auth method of its last upload")),
    refusals: { type: "object", additionalProperties: { type: "integer" }, description: "refused requests by reason" },
  }, ["serial", "last_upload", "last_timestamp", "credit_until", "seconds_left", "active", "payg_disabled", "tokens_pending", "month_requests", "month_bytes", "month_billed_kb", "auth_methods", "last_auth", "refusals"]),
  Series: obj({
    serial: str("the device"), from: unix("first time included"), to: int("first time excluded"), truncated: { type: "boolean", description: "more samples than one answer holds: the latest ones" },
    variables: { type: "array", items: obj({ name: str("its name"), unit: str("its unit, or empty"), scale_factor: { type: "number", description: "applied already" } }, ["name", "unit", "scale_factor"]) },
    x: { type: "array", items: { type: "integer" }, description: "the samples' times" },
    columns: { type: "object", additionalProperties: { type: "array", items: { type: ["number", "null"] } }, description: "one value per time, per numeric variable" },
    status: { oneOf: [{ type: "null" }, obj({ timestamp: int("its time"), values: { type: "object" } }, ["timestamp", "values"])] },
  }, ["serial", "from", "to", "truncated", "variables", "x", "columns", "status"]),
  History: obj({
    serial: str("the device"), created_at: unix("provisioned"),
    tokens: { type: "array", items: { type: "object" }, description: "type, count, token, days, created_at, first_sent_at, confirmed_at, reference" },
    payments: { type: "array", items: { type: "object" } },
    credit: { type: "array", items: obj({ from: unix("start"), to: nullable(unix("end (null: PAYG disabled)")) }, ["from", "to"]), description: "the periods the credit ran (locked between them)" },
    requests: { type: "array", items: { type: "object" }, description: "the latest 500: time, ts, rc, auth, sizes, rows" },
    usage: { type: "array", items: { type: "object" }, description: "data use by month" },
  }, ["serial", "created_at", "tokens", "payments", "credit", "requests", "usage"]),
};

type Operation = { summary: string; security?: unknown[]; parameters?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> };

function operations(o: { maxBody: number; maxClockSkew: number }): Record<string, Record<string, Operation>> {
  const upload: Operation = {
    summary: "A device's Metrics upload, authenticated by its signature",
    security: [],
    requestBody: { required: true, content: { "application/json": { schema: ref("MetricsRequest") }, "application/cbor": { schema: { type: "string", format: "binary" } } } },
    responses: {
      201: { description: "stored: every row of the request (a row resent unchanged is stored once)", content: json(ref("MetricsAnswer")) },
      400: error("malformed"),
      403: error(`refused, nothing changed: not signed, an auth method the device may not use, bad signature, replay, or a timestamp more than ${o.maxClockSkew} s ahead of the server's clock (server_time given)`),
      404: error("unknown device or data format"),
      413: error(`body over ${o.maxBody} bytes, or a request whose expansion needs more than the server module's ${SERVER_MEMORY_LIMIT >> 20} MiB`),
      415: error("not JSON or CBOR"),
    },
  };
  const getData: Operation = {
    summary: "Stored data in the simple form, exactly as stored",
    security: OPERATOR,
    parameters: RANGE_PARAMS(true),
    responses: { 200: { description: "the data", content: json(ref("StoredData")) }, 400: error("a missing or wrong date"), 401: error("no or wrong operator token") },
  };
  return {
    "/dd": { post: upload, get: getData },
    "/device_data": { post: upload, get: getData },
    "/data_format": {
      post: {
        summary: "Registers a data format",
        security: [...OPERATOR, { formatJwt: [] }],
        requestBody: { required: true, content: { "application/json": { schema: ref("DataFormat") }, "application/cbor": { schema: { type: "string", format: "binary" } } } },
        responses: { 201: { description: "registered", content: json(ref("FormatId")) }, 400: error("not a data format"), 401: error("no or wrong operator token or JWT"), 415: error("not JSON or CBOR") },
      },
    },
    "/devices": {
      post: {
        summary: "Adds a device, or with replace: true changes the fields given",
        security: OPERATOR,
        requestBody: { required: true, content: json(ref("NewDevice")) },
        responses: {
          200: { description: "replaced", content: json(ref("DeviceReplaced")) }, 201: { description: "added", content: json(ref("DeviceCreated")) },
          400: error("a wrong field, or an unknown one"), 401: error("no or wrong operator token"), 409: error("the device exists (nothing changed)"),
        },
      },
    },
    "/devices/{serial}": {
      get: {
        summary: "A device's record (no key), credit, last request, pending tokens and settings, auth policy, replay state",
        security: OPERATOR, parameters: [SERIAL_PARAM],
        responses: { 200: { description: "the device", content: json(ref("Device")) }, 401: error("no or wrong operator token"), 404: error("unknown device") },
      },
    },
    "/devices/{serial}/payments": {
      post: {
        summary: "A payment: credits the device once per reference",
        security: OPERATOR, parameters: [SERIAL_PARAM],
        requestBody: { required: true, content: json(ref("Payment")) },
        responses: {
          200: { description: "this reference was credited before: nothing credited now", content: json(ref("PaymentResult")) },
          201: { description: "recorded, and credited if due", content: json(ref("PaymentResult")) },
          400: error("a wrong field"), 401: error("no or wrong operator token"), 404: error("unknown device"), 409: error("the reference was used for another payment"),
        },
      },
    },
    "/devices/{serial}/reset-replay": {
      post: {
        summary: "Sets the device's stored last timestamp / request count (audit logged)",
        security: OPERATOR, parameters: [SERIAL_PARAM],
        requestBody: { required: true, content: json(ref("ReplayReset")) },
        responses: { 200: { description: "done", content: json(ref("ReplayResetResult")) }, 400: error("a wrong field"), 401: error("no or wrong operator token"), 404: error("unknown device") },
      },
    },
    "/export.csv": {
      get: {
        summary: "Stored points as CSV: serial_number, timestamp (ISO), kind (d, hd), one column per variable; values exactly as stored",
        security: OPERATOR, parameters: RANGE_PARAMS(false),
        responses: { 200: { description: "the CSV", content: { "text/csv": { schema: { type: "string" } } } }, 400: error("a wrong date"), 401: error("no or wrong operator token") },
      },
    },
    "/stats": {
      get: {
        summary: "Counts: the database's (every server process) and this process's",
        security: OPERATOR,
        responses: { 200: { description: "the counts", content: json(ref("Stats")) }, 401: error("no or wrong operator token") },
      },
    },
    "/": { get: { summary: "Sends a browser to the dashboard", security: [], responses: { 303: { description: "to /dashboard" } } } },
    "/login": {
      get: { summary: "The dashboard's login page", security: [], responses: { 200: { description: "a form for the operator token", content: { "text/html": { schema: { type: "string" } } } } } },
      post: {
        summary: "Signs in: the operator token from the form, a session cookie (HttpOnly, SameSite=Strict, Secure under TLS)",
        security: [],
        requestBody: { required: true, content: { "application/x-www-form-urlencoded": { schema: obj({ token: str("the operator token") }, ["token"]) } } },
        responses: {
          303: { description: "signed in: to /dashboard, with the session cookie" }, 401: { description: "a wrong token: the login page again", content: { "text/html": { schema: { type: "string" } } } },
          415: error("not a form"),
        },
      },
    },
    "/logout": { post: { summary: "Ends the session", security: OPERATOR, responses: { 303: { description: "to /login, the cookie cleared" }, 401: error("no session or token") } } },
    "/dashboard": {
      get: { summary: "The fleet overview page", security: OPERATOR, responses: { 200: { description: "the page", content: { "text/html": { schema: { type: "string" } } } }, 303: { description: "no session: to /login" } } },
    },
    "/dashboard/devices/{serial}": {
      get: {
        summary: "One device's page", security: OPERATOR, parameters: [SERIAL_PARAM],
        responses: { 200: { description: "the page", content: { "text/html": { schema: { type: "string" } } } }, 303: { description: "no session: to /login" } },
      },
    },
    "/ui/{file}": {
      get: {
        summary: "The pages' scripts, styles and chart library (build/ui/); {file} may hold a /", security: [],
        parameters: [{ name: "file", in: "path", required: true, description: "a file under build/ui/", schema: { type: "string" } }],
        responses: {
          200: { description: "the file", content: Object.fromEntries(["text/javascript", "text/css", "text/plain", "image/png", "application/json"].map((t) => [t, { schema: { type: "string" } }])) },
          404: error("no such file"),
        },
      },
    },
    "/fleet": {
      get: {
        summary: "One page of the fleet overview, sorted and filtered by the server",
        security: OPERATOR,
        parameters: [
          { name: "q", in: "query", required: false, description: "part of a serial (case-insensitive)", schema: { type: "string", maxLength: 64 } },
          { name: "filter", in: "query", required: false, description: "all, active, locked, payg_disabled, problems, over_budget, never_uploaded", schema: { type: "string" } },
          { name: "sort", in: "query", required: false, description: "serial, last_upload, credit, data, tokens, problems", schema: { type: "string" } },
          { name: "order", in: "query", required: false, description: "asc or desc", schema: { type: "string" } },
          { name: "offset", in: "query", required: false, description: "rows to skip", schema: { type: "integer" } },
          { name: "limit", in: "query", required: false, description: "rows (1..500, default 50)", schema: { type: "integer" } },
        ],
        responses: { 200: { description: "the page", content: json(ref("FleetPage")) }, 400: error("a wrong parameter"), 401: error("no session or token") },
      },
    },
    "/devices/{serial}/series": {
      get: {
        summary: "The device's samples for charts: each numeric variable of its format, with names and units, scale factors applied",
        security: OPERATOR,
        parameters: [SERIAL_PARAM, { name: "from", in: "query", required: false, description: "unix seconds, first included", schema: { type: "integer" } },
          { name: "to", in: "query", required: false, description: "unix seconds, first excluded", schema: { type: "integer" } }],
        responses: { 200: { description: "the samples", content: json(ref("Series")) }, 400: error("a wrong time"), 401: error("no session or token"), 404: error("unknown device") },
      },
    },
    "/devices/{serial}/history": {
      get: {
        summary: "The device's tokens, payments, credit periods, latest requests and data use by month",
        security: OPERATOR, parameters: [SERIAL_PARAM],
        responses: { 200: { description: "the history", content: json(ref("History")) }, 401: error("no session or token"), 404: error("unknown device") },
      },
    },
    "/health": { get: { summary: "Answers once the database does", security: [], responses: { 200: { description: "up", content: json(ref("Health")) } } } },
    "/openapi.json": { get: { summary: "This document", security: [], responses: { 200: { description: "OpenAPI 3.1", content: json({ type: "object" }) } } } },
  };
}

/** The document for a server with these settings (its base path is the server URL's path). */
export function openApiDocument(o: { basePath: string; maxBody: number; maxClockSkew: number }): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "opaygo reference OpenPAYGO Metrics server",
      version: "1",
      description: "Devices post OpenPAYGO Metrics requests to /dd; every route but /dd (POST), /health, /openapi.json, the login page and the pages' files needs the operator token or a dashboard session.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: o.basePath || "/" }],
    components: {
      securitySchemes: {
        operatorToken: { type: "http", scheme: "bearer", description: "the server's operator token (--operator-token-file or OPAYGO_OPERATOR_TOKEN)" },
        formatJwt: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "an HS256 JWT signed with --format-jwt-key-file's key (POST /data_format only)" },
        session: { type: "apiKey", in: "cookie", name: "opaygo_session", description: "a dashboard session (POST /login)" },
      },
      schemas: SCHEMAS,
    },
    paths: operations(o),
  };
}
