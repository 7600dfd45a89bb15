// The server codec's CPU per upload: what host-sim/server.ts asks of host-sim/codec.ts for one
// seed-sized upload (30 rows x 5 variables, `ra`, tests/vectors/seed_scenario.json): readRequest,
// verifyAuth, expandRequest, encodeAnswer. Prints the time per upload and where it goes.
//   node build/js/tests/bench/codec-bench.js [--uploads N]
import fs from "node:fs";
import { readRequest, verifyAuth, expandRequest, encodeAnswer, type DataFormat } from "../../host-sim/codec.js";

const seed = JSON.parse(fs.readFileSync(new URL("../../../../tests/vectors/seed_scenario.json", import.meta.url), "utf8"));
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const UPLOADS = arg("--uploads", 4000);
const body = Buffer.from(seed.condensed as string, "latin1");
const format = seed.data_format as DataFormat;

const phases = { read: 0, verify: 0, expand: 0, answer: 0 };
function upload(timed: boolean): void {
  const t0 = timed ? performance.now() : 0;
  const r = readRequest(body, "json");
  const t1 = timed ? performance.now() : 0;
  const v = verifyAuth(r, seed.key, null, null);
  if (!v.ok) throw new Error(`seed upload refused: ${v.reason}`);
  const t2 = timed ? performance.now() : 0;
  const x = expandRequest(r, format, 1_700_000_000);
  if (x.rows.length !== 30) throw new Error(`expansion has ${x.rows.length} rows`);
  const t3 = timed ? performance.now() : 0;
  encodeAnswer(seed.key, r, { tokens: ["703181784"], settings: null, activeUntil: null });
  if (timed) {
    const t4 = performance.now();
    phases.read += t1 - t0; phases.verify += t2 - t1; phases.expand += t3 - t2; phases.answer += t4 - t3;
  }
}

for (let i = 0; i < Math.min(UPLOADS, 1000); i++) upload(false); // warm up (JIT)
const start = performance.now();
for (let i = 0; i < UPLOADS; i++) upload(true);
const ms = performance.now() - start;
const us = (x: number) => ((x * 1000) / UPLOADS).toFixed(1);
console.log(`server codec, seed upload (${body.length} B condensed JSON, 30 rows x 5 variables, ra), ${UPLOADS} uploads, Node ${process.version}`);
console.log(`per upload: ${us(ms)} us (${Math.round((UPLOADS * 1000) / ms)} uploads/s on the codec alone)`);
console.log(`  readRequest ${us(phases.read)} us, verifyAuth ${us(phases.verify)} us, expandRequest ${us(phases.expand)} us, encodeAnswer ${us(phases.answer)} us`);
