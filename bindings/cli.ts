// The `opaygo` command line. Each command group lives in bindings/cli/<group>.ts.
import { Command } from "commander";
import { register as registerToken } from "./cli/token.js";
import { register as registerDevice } from "./cli/device.js";
import { register as registerDemo } from "./cli/demo.js";
import { register as registerSim } from "./cli/sim.js";
import { register as registerServer } from "./cli/server.js";
import { register as registerMetrics } from "./cli/metrics.js";
import { register as registerBench } from "./cli/bench.js";
import { OpaygoError } from "./wasm.js";

const program = new Command("opaygo")
  .description("OpenPAYGO Token and Metrics codec (AssemblyScript / WebAssembly)")
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text.startsWith("opaygo") ? text : `opaygo: ${text}`) });
program.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

registerToken(program);
registerDevice(program);
registerDemo(program);
registerSim(program);
registerServer(program);
registerMetrics(program);
registerBench(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof OpaygoError || err instanceof Error) {
    process.stderr.write(`opaygo: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
