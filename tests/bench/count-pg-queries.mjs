// Preloaded into a server process by `make bench-server` (node --import): counts the queries the
// process sends to PostgreSQL through pg (each Client.query is one round trip; a text of several
// statements is one too) and writes "<signals seen> <queries>" to $OPAYGO_COUNT_PG_FILE on each
// SIGUSR2. It measures any build of the server the same way, one that does not count its own too.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const file = process.env.OPAYGO_COUNT_PG_FILE;
// the server's own pg (the one its package resolves), so that its clients are the ones counted
const require = createRequire(path.resolve(process.argv[1]));
let pg;
try {
  pg = require("pg");
} catch {
  pg = null; // a SQLite server: nothing to count
}
let queries = 0;
if (pg) {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    queries++;
    return query.apply(this, args);
  };
}
let signals = 0;
if (file) process.on("SIGUSR2", () => fs.writeFileSync(file, `${++signals} ${queries}`));
