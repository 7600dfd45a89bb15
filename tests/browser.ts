// The page tests' browser: Debian's headless Chromium driven through the DevTools protocol by
// playwright-core, with a fresh profile in a mkdtemp folder and nothing that reaches outside.
// A page records what it requested and every script error; screenshots go to build/screenshots/.
// Tests wait on page state (waitForFunction, waitForSelector) with bounded timeouts, never on time.
//
//   const browser = await launchBrowser();
//   try {
//     const page = await browser.open(url);             // loaded, errors and requests recorded
//     await page.waitForFunction(() => ..., null, { timeout: 30_000 });
//     await browser.screenshot(page, "dashboard-fleet"); // build/screenshots/dashboard-fleet.png
//     assert.deepEqual(browser.errors, []);
//   } finally { await browser.close(); }
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, BrowserContext, Page } from "playwright-core";
import { ROOT } from "./helpers.js";

/** Debian's package; OPAYGO_CHROMIUM names another build of Chromium. */
export const CHROMIUM = process.env.OPAYGO_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = path.join(ROOT, "build/screenshots");
/** The bound on any one wait: a page that is not there by then has failed. */
export const TIMEOUT_MS = 60_000;

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];

export interface Browser {
  context: BrowserContext;
  /** script errors and console errors of every page, in order */
  errors: string[];
  /** every URL the pages requested, in order */
  requests: string[];
  open(url: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** the whole page (or what the window shows: fullPage false) as build/screenshots/NAME.png; returns its path */
  screenshot(page: Page, name: string, fullPage?: boolean): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: scripts/install-deps.sh installs Debian's chromium`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-chromium-"));
  let context: BrowserContext;
  try {
    // launchPersistentContext passes the profile folder as --user-data-dir (plain launch() makes its own)
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, chromiumSandbox: false, args: ARGS, timeout: TIMEOUT_MS,
      viewport: { width: 1280, height: 800 },
    });
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(TIMEOUT_MS);
  const errors: string[] = [];
  const requests: string[] = [];
  const watch = (page: Page) => {
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
    page.on("request", (r) => requests.push(r.url()));
  };
  context.on("page", watch);
  context.pages().forEach(watch);
  return {
    context, errors, requests,
    async open(url, viewport) {
      const page = context.pages().find((p) => p.url() === "about:blank") ?? await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      await page.goto(url, { waitUntil: "load", timeout: TIMEOUT_MS });
      return page;
    },
    async screenshot(page, name, fullPage = true) {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage, timeout: TIMEOUT_MS });
      return file;
    },
    async close() {
      try {
        await context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
