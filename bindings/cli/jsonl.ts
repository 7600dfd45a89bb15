// JSON-lines batches: one JSON line out for every line in; a refused line gets {"error": ...}
// and the batch goes on. The exit status is 1 when any line was refused.
import readline from "node:readline";

export async function eachJsonLine(handle: (input: any) => unknown): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let refused = 0;
  for await (const line of lines) {
    if (line.trim() === "") continue;
    let output: unknown;
    try {
      const input = JSON.parse(line);
      if (input === null || typeof input !== "object" || Array.isArray(input)) throw new Error("each line must be a JSON object");
      output = handle(input);
    } catch (err) {
      refused++;
      output = { error: err instanceof Error ? err.message : String(err) };
    }
    process.stdout.write(JSON.stringify(output) + "\n");
  }
  if (refused > 0) process.exitCode = 1;
}

export function fail(message: string): never {
  process.stderr.write(`opaygo: ${message}\n`);
  process.exit(2);
}
