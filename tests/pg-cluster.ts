// A throwaway PostgreSQL server for the tests and the benchmark: Debian's postgresql binaries,
// initdb into a temporary directory, listening on a unix socket in that directory only (no TCP
// port, so nothing to pick or collide on). As root (CI), initdb and the server run as the
// postgres user, which owns the directory. stop() ends the server and removes the directory.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

function binDir(): string {
  const configured = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  const candidates = configured.status === 0 ? [configured.stdout.trim()] : [];
  const debian = "/usr/lib/postgresql";
  if (fs.existsSync(debian)) {
    for (const v of fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(debian, v, "bin"));
  }
  const found = candidates.find((d) => fs.existsSync(path.join(d, "initdb")) && fs.existsSync(path.join(d, "pg_ctl")));
  if (!found) throw new Error("PostgreSQL is not installed (initdb, pg_ctl): run scripts/install-deps.sh (Debian package postgresql)");
  return found;
}

export class PgCluster {
  private databases = 0;

  private constructor(readonly dir: string, private readonly bin: string, private readonly asPostgres: boolean) {}

  private ctl(args: string[]): void {
    const command = path.join(this.bin, args[0]);
    const [cmd, argv] = this.asPostgres ? ["runuser", ["-u", "postgres", "--", command, ...args.slice(1)]] : [command, args.slice(1)];
    const r = spawnSync(cmd, argv, { encoding: "utf8", timeout: 120_000, cwd: this.dir });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status ?? r.signal}): ${r.stderr}${r.stdout}${r.error ?? ""}`);
  }

  static start(): PgCluster {
    const bin = binDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-pg-"));
    const asPostgres = process.getuid?.() === 0; // initdb refuses to run as root
    if (asPostgres) {
      const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
      const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
      if (id.status !== 0) throw new Error("running as root and there is no postgres user: install Debian's postgresql package");
      fs.chownSync(dir, Number(id.stdout), Number(gid.stdout));
    }
    const c = new PgCluster(dir, bin, asPostgres);
    try {
      c.ctl(["initdb", "-D", path.join(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
      c.ctl(["pg_ctl", "-D", path.join(dir, "data"), "-l", path.join(dir, "server.log"), "-w", "-t", "60",
        "-o", `-k ${dir} -c listen_addresses='' -c max_connections=200`, "start"]);
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return c;
  }

  url(database: string): string {
    return `postgres://postgres@/${database}?host=${encodeURIComponent(this.dir)}`;
  }

  /** A new empty database on this server; its postgres:// URL. */
  async createDatabase(prefix = "opaygo"): Promise<string> {
    const name = `${prefix}_${++this.databases}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
    const client = new pg.Client({ connectionString: this.url("postgres") });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** A login role that must give its password (scram-sha-256 over the socket; every other role
   *  is trusted), with the right to create tables in the public schema of `database`'s server. */
  async addPasswordRole(role: string, password: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url("postgres") });
    await client.connect();
    try {
      await client.query(`CREATE ROLE ${role} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    } finally {
      await client.end();
    }
    const hba = path.join(this.dir, "data", "pg_hba.conf");
    fs.writeFileSync(hba, `local all ${role} scram-sha-256\n` + fs.readFileSync(hba, "utf8"));
    this.ctl(["pg_ctl", "-D", path.join(this.dir, "data"), "reload"]);
  }

  stop(): void {
    try {
      this.ctl(["pg_ctl", "-D", path.join(this.dir, "data"), "-m", "fast", "-w", "stop"]);
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
