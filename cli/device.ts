import { Command, Option } from "commander";
import { Device } from "../bindings/device.js";
import { ENGINES } from "../bindings/engine.js";
import { eachJsonLine, fail } from "./jsonl.js";
import { integer } from "./options.js";

export function register(program: Command): void {
  const device = program.command("device").description("a simulated device on opaygo-device.wasm");

  device
    .command("run")
    .description(
      "one device, clock starting at 0; JSON lines in: {\"token\":\"...\"} or {\"advance\":SECONDS}; " +
        "out: {\"result\",\"days_remaining\",\"count\"} per line",
    )
    .requiredOption("--key <hex>", "the device's secret key, 32 hex characters")
    .option("--starting-code <n>", "starting code (default: derived from the key)", integer("starting code", 999999999))
    .option("--count <n>", "the device's count when it leaves the factory", integer("count", 0xffff), 0)
    .option("--restricted", "restricted digit set keypad (keys 1-4)", false)
    .option("--no-waiting-period", "accept entries right after invalid ones (for the official test procedure)")
    .addOption(new Option("--engine <name>", "WebAssembly engine: node, or wasm3 (the interpreter, built for WASI by make wasm3-wasi)").choices(ENGINES).default("node"))
    .option("--jsonl", "read JSON lines from stdin (the only mode)", false)
    .action(async (o) => {
      if (!o.jsonl) fail("device run reads JSON lines from stdin: add --jsonl");
      let sim: Device;
      try {
        sim = new Device({ key: o.key, startingCode: o.startingCode ?? null, count: o.count, restricted: o.restricted, waitingPeriod: o.waitingPeriod, engine: o.engine });
      } catch (err) {
        fail((err as Error).message);
      }
      let now = 0;
      await eachJsonLine((line) => {
        let result: string;
        if (line.token !== undefined) {
          if (typeof line.token !== "string") throw new Error("token must be a string");
          result = sim.enterToken(line.token, now).result;
        } else if (line.advance !== undefined) {
          const s = line.advance;
          if (!Number.isInteger(s) || s < 0 || now + s > 0xffffffff) throw new Error("advance must be whole seconds, the clock staying below 2^32");
          now += s;
          result = "OK";
        } else {
          throw new Error("each line needs \"token\" or \"advance\"");
        }
        return { result, days_remaining: sim.daysRemaining(now), count: sim.count() };
      });
    });
}
