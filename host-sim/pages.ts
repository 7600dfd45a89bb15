// The dashboard's HTML: the login page and the shell of the fleet and device pages (their module,
// ui/dashboard.ts, draws them from the JSON routes), and the files of build/ui/ (the page modules,
// the chart module and uPlot), served as they are. Nothing here holds data; every page is sent
// with a Content-Security-Policy that allows the server's own scripts only.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** build/ui: the compiled page modules and vendor/ (uPlot), beside build/js in the package too */
export const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../ui");

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export interface Page {
  html: string;
  /** the Content-Security-Policy header that goes with it */
  csp: string;
}

function page(base: string, title: string, body: string, module: string | null): Page {
  // uPlot is imported by its bare name: the import map names the file (allowed by its hash)
  const importMap = JSON.stringify({ imports: { uplot: `${base}/ui/vendor/uPlot.js` } });
  const hash = crypto.createHash("sha256").update(importMap).digest("base64");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="${esc(base)}/ui/vendor/uPlot.min.css"><link rel="stylesheet" href="${esc(base)}/ui/charts.css"><link rel="stylesheet" href="${esc(base)}/ui/dashboard.css">
<script type="importmap">${importMap}</script>
${module ? `<script type="module" src="${esc(base)}/ui/${module}"></script>` : ""}
</head><body>
${body}
</body></html>
`;
  return { html, csp: `default-src 'self'; script-src 'self' 'sha256-${hash}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'` };
}

/** The login page: a form that posts the operator token (never in a URL). */
export function loginPage(base: string, error: string | null): Page {
  return page(base, "opaygo: sign in", `<main class="login">
<h1>opaygo fleet</h1>
<form method="post" action="${esc(base)}/login">
<label>Operator token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ""}
</form>
<p class="note">The token the server was started with (<code>--operator-token-file</code> or <code>OPAYGO_OPERATOR_TOKEN</code>).</p>
</main>`, null);
}

/** The shell of a dashboard page; ui/dashboard.ts draws it (page: fleet or device). */
export function dashboardPage(base: string, which: "fleet" | "device", serial: string | null): Page {
  return page(base, which === "fleet" ? "opaygo: fleet" : `opaygo: ${serial}`, `<header class="bar">
<a class="home" href="${esc(base)}/dashboard">opaygo fleet</a>
<span class="live" id="live"></span>
<form method="post" action="${esc(base)}/logout"><button type="submit">Sign out</button></form>
</header>
<main id="app" data-base="${esc(base)}" data-page="${which}"${serial === null ? "" : ` data-serial="${esc(serial)}"`}></main>`, "dashboard.js");
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8", ".png": "image/png",
  ".txt": "text/plain; charset=utf-8", ".map": "application/json",
};

/** The files under build/ui/ by their path there, read once (the package's own files only). */
export class UiFiles {
  private readonly files = new Map<string, { body: Buffer; type: string }>();

  constructor(dir = UI_DIR) {
    const walk = (d: string) => {
      for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
        const full = path.join(d, e.name);
        if (e.isDirectory()) walk(full);
        else {
          const rel = path.relative(dir, full).split(path.sep).join("/");
          this.files.set(rel, { body: fs.readFileSync(full), type: TYPES[path.extname(e.name)] ?? (e.name.endsWith("LICENSE") ? TYPES[".txt"] : "application/octet-stream") });
        }
      }
    };
    walk(dir);
  }

  get(file: string): { body: Buffer; type: string } | undefined {
    return this.files.get(file);
  }
}
