// JSON-lines batches: one JSON line out for every line in; a refused line gets {"error": ...}
// and the batch goes on. The exit status is 2 (the input's fault) when any line was refused.
import readline from "node:readline";

// Runs handle on every non-blank line of stdin and prints what it returns; a line whose handler
// throws gets {"error": message}.
export async function eachLine(handle: (line: string) => string): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let refused = 0;
  for await (const line of lines) {
    if (line.trim() === "") continue;
    let output: string;
    try {
      output = handle(line);
    } catch (err) {
      refused++;
      output = JSON.stringify({ error: err instanceof Error ? err.message : String(err) });
    }
    process.stdout.write(output + "\n");
  }
  if (refused > 0) process.exitCode = 2;
}

export function eachJsonLine(handle: (input: any) => unknown): Promise<void> {
  return eachLine((line) => {
    const input = JSON.parse(line);
    if (input === null || typeof input !== "object" || Array.isArray(input)) throw new Error("each line must be a JSON object");
    return JSON.stringify(handle(input));
  });
}

export function fail(message: string): never {
  process.stderr.write(`opaygo: ${message}\n`);
  process.exit(2);
}
