// `opaygo server`: the reference Metrics server (host-sim/server.ts) on its own, its CSV export
// and bulk provisioning of devices into its database.
import fs from "node:fs";
import net from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Command, InvalidArgumentError } from "commander";
import { ReferenceServer } from "../host-sim/server.js";
import { pointsCsv } from "../host-sim/data.js";
import { CsvDirectory } from "../host-sim/csv-dir.js";
import { Store, isPostgresUrl, openStore } from "../host-sim/store.js";
import { parseDevicesCsv } from "../host-sim/provision.js";
import { integer } from "./options.js";
import { JWT_MIN_KEY_BYTES } from "../host-sim/jwt.js";

export const OPERATOR_TOKEN_ENV = "OPAYGO_OPERATOR_TOKEN";

/**
 * The operator token from `file` or from $OPAYGO_OPERATOR_TOKEN (never from an argument, which
 * other users of the machine can read in the process list); null when neither is set.
 */
export function readOperatorToken(file: string | undefined): string | null {
  const env = process.env[OPERATOR_TOKEN_ENV];
  if (file !== undefined && env) throw new InvalidArgumentError(`give the operator token in --operator-token-file or in ${OPERATOR_TOKEN_ENV}, not both`);
  let text: string | undefined = env || undefined;
  if (file !== undefined) {
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      throw new InvalidArgumentError(`cannot read the operator token file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }
  if (text === undefined) return null;
  const token = text.trim();
  // RFC 6750's token characters, and long enough not to be guessed (e.g. `openssl rand -hex 32`).
  if (!/^[A-Za-z0-9\-._~+/]{16,1024}=*$/.test(token)) {
    throw new InvalidArgumentError(`the operator token (${file ?? OPERATOR_TOKEN_ENV}) must be 16 to 1024 characters from A-Z a-z 0-9 - . _ ~ + / (e.g. openssl rand -hex 32)`);
  }
  return token;
}

/** The HMAC key of the JWTs that may register data formats (its file's bytes, surrounding
 *  whitespace removed); undefined file: none. */
function readJwtKey(file: string | undefined): Buffer | null {
  if (file === undefined) return null;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InvalidArgumentError(`cannot read the JWT key file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  const key = Buffer.from(text.trim(), "utf8");
  if (key.length < JWT_MIN_KEY_BYTES) throw new InvalidArgumentError(`the JWT key in ${file} must be at least ${JWT_MIN_KEY_BYTES} bytes (e.g. openssl rand -hex 32)`);
  return key;
}

const DB_HELP = "SQLite file, or a postgres://user@host:port/database URL (several servers may share one PostgreSQL database; " +
  "its password from PGPASSWORD or --db-password-file, never in the URL, which the process list shows)";

/** The store of --db, with the PostgreSQL password from --db-password-file when given. */
async function openDb(o: { db: string; dbPasswordFile?: string; sync?: "full" | "normal" }): Promise<Store> {
  let password: string | undefined;
  if (o.dbPasswordFile !== undefined) {
    if (!isPostgresUrl(o.db)) throw new InvalidArgumentError("--db-password-file is for a postgres:// database");
    try {
      password = fs.readFileSync(o.dbPasswordFile, "utf8").replace(/\r?\n$/, "");
    } catch (e) {
      throw new InvalidArgumentError(`cannot read the database password file ${o.dbPasswordFile}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }
  return openStore(o.db, { synchronous: o.sync, password });
}

function csvDirectory(dir: string, fsync: boolean): CsvDirectory {
  try {
    return new CsvDirectory(dir, fsync);
  } catch (e) {
    throw new InvalidArgumentError(`--csv-dir ${dir}: ${(e as NodeJS.ErrnoException).code === "EACCES" ? "not writable" : (e as NodeJS.ErrnoException).code ?? e}`);
  }
}

function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  return host === "::1" || host.toLowerCase().startsWith("::ffff:127.");
}

function readPem(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new InvalidArgumentError(`cannot read the TLS ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
}

function requestLog(o: { log?: string; quiet?: boolean }): ((line: string) => void) | undefined {
  if (o.quiet) return undefined;
  if (!o.log) return (line) => process.stderr.write(line + "\n");
  let fd: number;
  try {
    fd = fs.openSync(o.log, "a", 0o600);
  } catch (e) {
    throw new InvalidArgumentError(`cannot open the log ${o.log}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return (line) => fs.writeSync(fd, line + "\n");
}

export function register(program: Command): void {
  const server = program.command("server").description("the reference OpenPAYGO Metrics server (SQLite storage, or PostgreSQL shared by several server processes)");
  server
    .command("run", { isDefault: true })
    .description("serve until SIGTERM / SIGINT (then finish the requests in progress, close the database and exit 0)")
    .option("--host <address>", "address to listen on (0.0.0.0 or :: for every interface; any non-loopback address needs an operator token)", "127.0.0.1")
    .option("--port <n>", "TCP port (0: any free port)", integer("port", 65535), 8080)
    .requiredOption("--db <path|url>", DB_HELP)
    .option("--db-password-file <file>", "file holding the PostgreSQL password (or set PGPASSWORD)")
    .option("--base-path <path>", "path prefix of every route", "")
    .option("--tls-cert <file>", "certificate chain (PEM): serve HTTPS (without it, plain HTTP, e.g. behind a TLS reverse proxy)")
    .option("--tls-key <file>", "private key (PEM) of --tls-cert")
    .option("--operator-token-file <file>", `file holding the bearer token of the operator routes (or set ${OPERATOR_TOKEN_ENV}); without one those routes answer 403`)
    .option("--format-jwt-key-file <file>", "file holding the HMAC key (32+ bytes) of HS256 JWTs that may register data formats (POST /data_format only)")
    .option("--log <file>", "append the request log (one JSON line per request) to a file instead of stderr")
    .option("--quiet", "no request log")
    .option("--max-body <bytes>", "largest request body", integer("max body", 64 * 1024 * 1024), 4096 * 1024)
    .option("--max-clock-skew <seconds>", "refuse (403, with the server's time) a request whose timestamp is more than this far ahead of the server's clock", integer("max clock skew", 366 * 86400), 86400)
    .option("--request-timeout <ms>", "time a request (headers and body) may take to arrive; then 408 and the connection closed", integer("request timeout", 3600000), 30000)
    .option("--shutdown-timeout <ms>", "on SIGTERM / SIGINT, time the requests in progress get to finish before their connections are dropped", integer("shutdown timeout", 3600000), 10000)
    .option("--monthly-budget-kb <kb>", "a device's monthly data budget shown on the dashboard (KB billed, each upload rounded up to a whole KB)", integer("monthly budget", 1e9), 750)
    .option("--csv-dir <dir>", "also append every accepted request's points to <dir>/<serial>/<YYYY-MM-DD>.csv (the Metrics standard's raw CSV files; docs/cli-and-server.md)")
    .option("--sync <mode>", "SQLite synchronous mode in WAL: normal (survives a process crash) or full (also power loss); PostgreSQL commits durably as its server is configured", "normal")
    .action(async (o) => {
      if (o.sync !== "normal" && o.sync !== "full") throw new InvalidArgumentError("--sync must be normal or full");
      if (o.requestTimeout < 1) throw new InvalidArgumentError("request timeout must be at least 1");
      if (!o.tlsCert !== !o.tlsKey) throw new InvalidArgumentError("--tls-cert and --tls-key go together");
      if (o.log && o.quiet) throw new InvalidArgumentError("--log and --quiet cannot both be given");
      const operatorToken = readOperatorToken(o.operatorTokenFile);
      if (!operatorToken && !isLoopback(o.host)) {
        throw new InvalidArgumentError(`--host ${o.host} is not a loopback address: give an operator token (--operator-token-file or ${OPERATOR_TOKEN_ENV}) before facing a network`);
      }
      const formatJwtKey = readJwtKey(o.formatJwtKeyFile);
      const tls = o.tlsCert ? { cert: readPem(o.tlsCert, "certificate"), key: readPem(o.tlsKey, "key") } : undefined;
      const log = requestLog(o);
      const csv = o.csvDir === undefined ? null : csvDirectory(o.csvDir, o.sync === "full");
      const store = await openDb(o);
      if (csv) {
        const recovered = await store.csvRecover(csv);
        if (recovered > 0) process.stdout.write(`--csv-dir: wrote the points of ${recovered} request${recovered === 1 ? "" : "s"} a stopped server had stored but not written\n`);
      }
      let srv: ReferenceServer;
      try {
        srv = new ReferenceServer({ store, basePath: o.basePath, maxBody: o.maxBody, maxClockSkew: o.maxClockSkew, requestTimeoutMs: o.requestTimeout, operatorToken, formatJwtKey, tls, log, csv,
          monthlyBudgetKb: o.monthlyBudgetKb });
      } catch (e) {
        await store.close();
        throw new InvalidArgumentError(`cannot serve HTTPS with ${o.tlsCert} and ${o.tlsKey}: ${(e as Error).message}`);
      }
      let url: string;
      try {
        url = await srv.listen(o.port, o.host);
      } catch (e) {
        await store.close();
        throw new InvalidArgumentError(`cannot listen on ${o.host}:${o.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      process.stdout.write(`listening on ${url}${operatorToken ? "" : " (no operator token: operator routes answer 403)"}\n`);
      let stopping = false;
      const stop = async (signal: NodeJS.Signals) => {
        if (stopping) return void srv.http.closeAllConnections(); // a second signal: stop waiting
        stopping = true;
        const closed = srv.close(o.shutdownTimeout);
        process.stdout.write(`${signal}: stopping (no new connections; requests in progress get up to ${o.shutdownTimeout} ms)\n`);
        await closed;
        await store.close();
        process.stdout.write("stopped\n");
        process.exit(0);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
  server
    .command("provision")
    .description("add devices from CSV lines serial,key,starting_code[,count[,auth_methods]] (count defaults to 1; auth methods separated by spaces or |, default all but sa): all of them, or none if any line is wrong or names a device already there")
    .requiredOption("--db <path|url>", "SQLite file or postgres:// URL (may be in use by running servers)")
    .option("--db-password-file <file>", "file holding the PostgreSQL password (or set PGPASSWORD)")
    .argument("<file.csv>", "the devices; - for stdin")
    .action(async (file: string, o) => {
      let text: string;
      try {
        text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
      } catch (e) {
        throw new InvalidArgumentError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
      }
      const { devices, problems } = parseDevicesCsv(text);
      if (devices.length === 0 && problems.length === 0) throw new InvalidArgumentError(`no devices in ${file}`);
      if (problems.length === 0) {
        const store = await openDb(o);
        try {
          const { added, existing } = await store.addNewDevices(devices, Math.floor(Date.now() / 1000));
          if (existing.length === 0) return void process.stdout.write(`provisioned ${added} devices\n`);
          const taken = new Set(existing);
          for (const d of devices) if (taken.has(d.serial)) problems.push({ line: d.line, message: `device ${d.serial} is already provisioned` });
        } finally {
          await store.close();
        }
      }
      const shown = problems.slice(0, 100).map((p) => `${file}:${p.line}: ${p.message}`);
      if (problems.length > shown.length) shown.push(`... and ${problems.length - shown.length} more`);
      throw new InvalidArgumentError(`nothing provisioned; ${problems.length} bad line${problems.length === 1 ? "" : "s"}:\n${shown.join("\n")}`);
    });
  server
    .command("export")
    .description("stored data points as CSV")
    .requiredOption("--db <path|url>", "SQLite file or postgres:// URL")
    .option("--db-password-file <file>", "file holding the PostgreSQL password (or set PGPASSWORD)")
    .option("--out <file>", "write to a file instead of stdout")
    .option("--serial <sn>", "one device only")
    .action(async (o) => {
      if (!isPostgresUrl(o.db) && !fs.existsSync(o.db)) throw new InvalidArgumentError(`no database at ${o.db}`);
      const store = await openDb(o);
      try {
        const out = o.out ? fs.createWriteStream(o.out) : process.stdout;
        await pipeline(Readable.from(pointsCsv(store, { serial: o.serial })), out, { end: !!o.out });
      } finally {
        await store.close();
      }
    });
}
