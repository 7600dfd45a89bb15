// The sim's HTML report opened in headless Chromium: the screenshot must show the three charts
// (coloured lines and bars where each chart's plot area is).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { spawnSync } from "node:child_process";
import { runSim } from "../host-sim/sim.js";
import { writeReport, CHART } from "../host-sim/report.js";

// Minimal PNG reader: 8-bit RGB or RGBA, not interlaced (what Chromium writes).
function readPng(file: string): { width: number; height: number; px: (x: number, y: number) => [number, number, number] } {
  const b = fs.readFileSync(file);
  assert.equal(b.subarray(1, 4).toString(), "PNG");
  let i = 8, width = 0, height = 0, type = 0;
  const idat: Buffer[] = [];
  while (i < b.length) {
    const len = b.readUInt32BE(i), kind = b.subarray(i + 4, i + 8).toString(), data = b.subarray(i + 8, i + 8 + len);
    if (kind === "IHDR") {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4); type = data[9];
      assert.equal(data[8], 8, "8-bit PNG");
      assert.equal(data[12], 0, "not interlaced");
    } else if (kind === "IDAT") idat.push(data);
    i += 12 + len;
  }
  const bpp = type === 6 ? 4 : type === 2 ? 3 : assert.fail(`PNG colour type ${type}`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= bpp ? out[y * stride + x - bpp] : 0;
      const up = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = y > 0 && x >= bpp ? out[(y - 1) * stride + x - bpp] : 0;
      let p = v;
      if (f === 1) p = v + a;
      else if (f === 2) p = v + up;
      else if (f === 3) p = v + ((a + up) >> 1);
      else if (f === 4) {
        const pa = Math.abs(up - c), pb = Math.abs(a - c), pc = Math.abs(a + up - 2 * c);
        p = v + (pa <= pb && pa <= pc ? a : pb <= pc ? up : c);
      }
      out[y * stride + x] = p & 0xff;
    }
  }
  return { width, height, px: (x, y) => [out[y * stride + x * bpp], out[y * stride + x * bpp + 1], out[y * stride + x * bpp + 2]] };
}

test("the HTML report renders its charts in headless Chromium", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-report-"));
  try {
    const r = await runSim({ devices: 4, days: 3, interval: 120, uploadEvery: 3600, encoding: "condensed", auth: "ra", seed: 5 });
    const html = path.join(dir, "report.html");
    await writeReport(html, r);
    const text = fs.readFileSync(html, "utf8");
    assert.doesNotMatch(text, /<script|https?:\/\/(?!www\.w3\.org)/, "self-contained: no scripts, nothing fetched");
    assert.equal((text.match(/<polyline /g) ?? []).length, 8);

    const shot = path.join(dir, "shot.png");
    const height = CHART.top + 3 * CHART.height + 20;
    const run = spawnSync("chromium", [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", `--user-data-dir=${path.join(dir, "profile")}`, "--hide-scrollbars", `--window-size=${CHART.width},${height}`,
      `--screenshot=${shot}`, `file://${html}`,
    ], { encoding: "utf8", timeout: 120_000 });
    assert.ok(fs.existsSync(shot), `chromium (Debian package) is required: ${run.error ?? ""} ${run.stderr}`);
    const png = readPng(shot);
    assert.ok(png.width >= CHART.width && png.height >= height - 20);
    // Each chart's plot area (inside its axes) must hold coloured pixels: lines or bars.
    for (const [k, name] of ["battery", "credit", "bytes"].entries()) {
      const top = CHART.top + k * CHART.height;
      let coloured = 0;
      for (let y = top + 35; y < top + CHART.height - 45; y += 1) {
        for (let x = 65; x < CHART.width - 25; x += 2) {
          const [red, g, b] = png.px(x, y);
          if (Math.max(red, g, b) - Math.min(red, g, b) > 60) coloured++;
        }
      }
      assert.ok(coloured > 300, `${name} chart looks blank (${coloured} coloured pixels)`);
    }
    // and the page below the charts is not painted over
    const [r0, g0, b0] = png.px(CHART.width - 5, 5);
    assert.deepEqual([r0, g0, b0], [255, 255, 255]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
