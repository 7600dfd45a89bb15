// `opaygo bench`: the same run as `make bench` (tests/bench/bench.ts): one table, build/bench.json.
import { Command } from "commander";

export function register(program: Command): void {
  program
    .command("bench")
    .description("measure payload bytes, token decode and request encoding cost (C, Node, wasm3, reference); needs `make build c`")
    .option("--quick", "tiny repetition counts (smoke test); no README section")
    .action(async (o) => {
      const { main } = await import("../../tests/bench/bench.js");
      process.exitCode = await main(o.quick ? ["--quick"] : []);
    });
}
