// The `opaygo` command line. It sits above the bindings and the host simulator; each command group
// lives in cli/<group>.ts. Exit status: 0 done, 2 the user's mistake (a message), 1 our own bug
// (a stack trace and a request to report it).
import fs from "node:fs";
import { Command, CommanderError } from "commander";
import { register as registerToken } from "./token.js";
import { register as registerDevice } from "./device.js";
import { register as registerDemo } from "./demo.js";
import { register as registerSim } from "./sim.js";
import { register as registerServer } from "./server.js";
import { register as registerMetrics } from "./metrics.js";
import { OpaygoError } from "../bindings/wasm.js";
import { HttpStatusError } from "../host-sim/http.js";

// build/js/cli/main.js -> package.json
const { version } = JSON.parse(fs.readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command("opaygo")
  .description("OpenPAYGO Token and Metrics codec (AssemblyScript / WebAssembly)")
  .version(version, "-V, --version")
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text.startsWith("opaygo") ? text : `opaygo: ${text}`) });
program.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

registerToken(program);
registerDevice(program);
registerDemo(program);
registerSim(program);
registerServer(program);
registerMetrics(program);

// Errors that come from what the user gave: bad values, unreadable files, a port in use, a server
// that cannot be reached or refuses the request.
const USER_ERROR_CODES = new Set(["ENOENT", "EACCES", "EISDIR", "ENOTDIR", "EADDRINUSE", "EADDRNOTAVAIL", "EPERM",
  "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH",
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID", "CERT_HAS_EXPIRED"]);
const TLS_TRUST_CODES = new Set(["DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"]);
function isUserMistake(err: unknown): err is Error {
  return err instanceof OpaygoError || err instanceof CommanderError || err instanceof SyntaxError || err instanceof HttpStatusError ||
    (err instanceof Error && USER_ERROR_CODES.has((err as NodeJS.ErrnoException).code ?? ""));
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (isUserMistake(err)) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const hint = TLS_TRUST_CODES.has(code) ? " (the server's certificate is not trusted: give Node its CA, or the certificate itself, with NODE_EXTRA_CA_CERTS=/path/to/ca.pem)" : "";
    process.stderr.write(`opaygo: ${err.message}${hint}\n`);
    process.exit(2);
  }
  process.stderr.write(`opaygo ${version}: internal error; this is a bug, please report it with the command that caused it:\n` +
    `${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
}
