// docs/api.md from the reference server's OpenAPI document (host-sim/openapi.ts): every route with
// who may call it, its parameters, its request body and its answers, then every body's fields.
// `make api-doc` writes the file; tests/openapi.test.ts checks that it is up to date.
import fs from "node:fs";
import { openApiDocument } from "../../host-sim/openapi.js";

type Schema = Record<string, any>;

const refName = (s: Schema | undefined) => (s?.$ref ? String(s.$ref).split("/").pop()! : null);

function typeOf(s: Schema): string {
  const name = refName(s);
  if (name) return `[${name}](#${name.toLowerCase()})`;
  if (s.oneOf) return s.oneOf.map(typeOf).join(" or ");
  if (s.enum) return s.enum.map((v: unknown) => `\`${JSON.stringify(v)}\``).join(", ");
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  const types = ([] as string[]).concat(s.type ?? "any");
  if (types.includes("array") && s.items) return `list of ${typeOf(s.items)}`;
  if (types.includes("object") && s.additionalProperties && typeof s.additionalProperties === "object") return `object of ${typeOf(s.additionalProperties)}`;
  return types.join(" or ");
}

function limits(s: Schema): string {
  const parts: string[] = [];
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? ""}..${s.maximum ?? ""}`);
  if (s.minLength !== undefined || s.maxLength !== undefined) parts.push(`${s.minLength ?? 0}..${s.maxLength ?? ""} characters`);
  if (s.pattern) parts.push(`\`${s.pattern}\``);
  if (s.maxItems !== undefined) parts.push(`at most ${s.maxItems}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function fieldsTable(s: Schema): string[] {
  const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
  if (props.length === 0) return [];
  const required = new Set<string>(s.required ?? []);
  return [
    "| field | type | required | what |", "| --- | --- | --- | --- |",
    ...props.map(([k, p]) => `| \`${k}\` | ${cell(typeOf(p))}${cell(limits(p))} | ${required.has(k) ? "yes" : ""} | ${cell(p.description ?? "")} |`),
  ];
}

function body(content: Record<string, { schema: Schema }> | undefined): string {
  if (!content) return "no body";
  return Object.entries(content).map(([type, c]) => `\`${type}\`${type === "application/json" ? `: ${typeOf(c.schema)}` : ""}`).join("; ");
}

/** The Markdown of an OpenAPI document of the reference server. */
export function apiMarkdown(doc: Schema): string {
  const out: string[] = [
    "# The reference server's routes (`GET /openapi.json`)",
    "",
    "Generated from the server's OpenAPI 3.1 document by `make api-doc` (`tests/tools/api-doc.ts`);",
    "`tests/openapi.test.ts` checks the document against the server's routes and answers, and this",
    "page against the document. Paths are under the server's `--base-path`. Errors are",
    "`{\"error\": \"...\"}` ([Error](#error)).",
    "",
    "| route | who | what |",
    "| --- | --- | --- |",
  ];
  const ops = Object.entries(doc.paths as Record<string, Record<string, Schema>>).flatMap(([p, methods]) => Object.entries(methods).map(([m, op]) => ({ p, m, op })));
  const who = (op: Schema) => (op.security.length === 0 ? "no token" : op.security.some((s: Schema) => s.formatJwt) ? "operator token, session or format JWT" : "operator token or session");
  const anchor = (m: string, p: string) => `${m}-${p}`.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  for (const { p, m, op } of ops) out.push(`| [\`${m.toUpperCase()} ${p}\`](#${anchor(m, p)}) | ${who(op)} | ${cell(op.summary)} |`);
  for (const { p, m, op } of ops) {
    out.push("", `## ${m.toUpperCase()} ${p}`, "", `${op.summary}. Who: ${who(op)}.`, "");
    for (const q of op.parameters ?? []) out.push(`- ${q.in} \`${q.name}\`${q.required ? " (required)" : ""}: ${q.description}`);
    if (op.requestBody) out.push(`- request: ${body(op.requestBody.content)}`);
    for (const [status, r] of Object.entries(op.responses as Record<string, Schema>)) out.push(`- ${status}: ${r.description}${r.content ? ` (${body(r.content)})` : ""}`);
  }
  out.push("", "## Bodies");
  for (const [name, s] of Object.entries(doc.components.schemas as Record<string, Schema>)) {
    out.push("", `### ${name}`, "");
    if (s.description) out.push(s.description, "");
    if (s.type === "array") out.push(`A list of ${typeOf(s.items)}:`, "", ...fieldsTable(s.items));
    else out.push(...fieldsTable(s));
    if (s.oneOf) out.push("", `Exactly one of: ${s.oneOf.map((o: Schema) => o.required.map((r: string) => `\`${r}\``).join(", ")).join("; ")}.`);
    if (s.anyOf) out.push("", `At least one of: ${s.anyOf.map((o: Schema) => o.required.map((r: string) => `\`${r}\``).join(", ")).join("; ")}.`);
  }
  return out.join("\n") + "\n";
}

/** The document of a server with the CLI's defaults (the limits the page quotes). */
export const defaultDocument = () => openApiDocument({ basePath: "", maxBody: 4096 * 1024, maxClockSkew: 86400 });

if (process.argv[1]?.endsWith("api-doc.js")) {
  fs.writeFileSync(process.argv[2] ?? "docs/api.md", apiMarkdown(defaultDocument()));
}
