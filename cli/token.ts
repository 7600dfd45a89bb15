import { Command, Option } from "commander";
import { decodeToken, generateToken, TokenType } from "../bindings/token.js";
import { eachJsonLine } from "./jsonl.js";
import { integer, number, positiveNumber, usedCountsMask } from "./options.js";

const TYPE_NAMES: Record<string, TokenType> = { add: "ADD_TIME", set: "SET_TIME", disable: "DISABLE_PAYG", sync: "COUNTER_SYNC" };

function vectorType(name: unknown): TokenType {
  const type = Object.values(TYPE_NAMES).find((t) => t === name);
  if (!type) throw new Error(`token_type must be one of ${Object.values(TYPE_NAMES).join(", ")}`);
  return type;
}

function decodedJson(d: ReturnType<typeof decodeToken>) {
  return { type: d.type, value: d.value, count: d.count, maxCount: d.maxCount, usedCounts: d.usedCounts };
}

export function register(program: Command): void {
  const token = program.command("token").description("generate and decode OpenPAYGO tokens");

  token
    .command("generate")
    .description("generate a token (prints it; --json prints {\"count\",\"token\"})")
    .option("--key <hex>", "the device's secret key, 32 hex characters")
    .option("--count <n>", "the device's current count", integer("count"))
    .addOption(new Option("--type <type>", "token type").choices(Object.keys(TYPE_NAMES)))
    .option("--value <v>", "days (or units) for add/set, before the divider", number("value"))
    .option("--starting-code <n>", "starting code (default: derived from the key)", integer("starting code", 999999999))
    .option("--value-divider <d>", "value is multiplied by this before encoding", positiveNumber("value divider"), 1)
    .option("--extended", "12-digit extended token (values up to 999999)", false)
    .option("--restricted", "restricted digit set (keys 1-4 only)", false)
    .option("--json", "print {\"count\":N,\"token\":\"...\"}", false)
    .option("--jsonl", "batch: JSON lines on stdin (fields of tokens_*.jsonl), one JSON line out each", false)
    .action(async (o) => {
      if (o.jsonl) {
        return eachJsonLine((v) =>
          generateToken({
            key: v.key, count: v.count, type: vectorType(v.token_type), value: v.value_raw ?? v.value ?? null,
            startingCode: v.starting_code ?? null, valueDivider: v.value_divider ?? 1,
            extended: !!v.extended_token, restricted: !!v.restricted_digit_set,
          }));
      }
      requireOptions(token, o, ["key", "count", "type"]);
      const result = generateToken({
        key: o.key, count: o.count, type: TYPE_NAMES[o.type], value: o.value ?? null, startingCode: o.startingCode ?? null,
        valueDivider: o.valueDivider, extended: o.extended, restricted: o.restricted,
      });
      console.log(o.json ? JSON.stringify(result) : result.token);
    });

  token
    .command("decode")
    .description("decode a token against a device's count and used counts; prints JSON")
    .option("--key <hex>", "the device's secret key, 32 hex characters")
    .option("--count <n>", "the device's current (highest) count", integer("count", 0xffff))
    .option("--token <digits>", "the token as typed (spaces ignored)")
    .option("--used-counts <mask>", "16-bit mask of used counts below the count (default 0: none)", usedCountsMask, 0)
    .option("--starting-code <n>", "starting code (default: derived from the key)", integer("starting code", 999999999))
    .option("--value-divider <d>", "the decoded value is divided by this", positiveNumber("value divider"), 1)
    .option("--restricted", "restricted digit set (keys 1-4 only)", false)
    .option("--jsonl", "batch: JSON lines on stdin (key, starting_code, count, token, restricted_digit_set, used_counts)", false)
    .action(async (o) => {
      if (o.jsonl) {
        return eachJsonLine((v) =>
          decodedJson(decodeToken({
            key: v.key, count: v.count, token: v.token, usedCounts: v.used_counts ?? 0,
            startingCode: v.starting_code ?? null, valueDivider: v.value_divider ?? 1, restricted: !!v.restricted_digit_set,
          })));
      }
      requireOptions(token, o, ["key", "count", "token"]);
      const d = decodeToken({
        key: o.key, count: o.count, token: o.token, usedCounts: o.usedCounts, startingCode: o.startingCode ?? null,
        valueDivider: o.valueDivider, restricted: o.restricted,
      });
      console.log(JSON.stringify(decodedJson(d)));
    });
}

export function requireOptions(cmd: Command, o: Record<string, unknown>, names: string[]): void {
  const missing = names.filter((n) => o[n] === undefined);
  if (missing.length) {
    const flags = missing.map((n) => "--" + n.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()));
    cmd.error(`opaygo: missing ${flags.join(", ")} (or use --jsonl)`, { exitCode: 2 });
  }
}
