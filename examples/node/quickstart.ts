// A platform's first steps with opaygo-wasm: issue a token, let a device take it, and exchange one
// signed OpenPAYGO Metrics request and answer. CI type-checks and runs this file against the packed
// package (tests/package.test.ts).
import { generateToken, startingCodeOf } from "opaygo-wasm/token";
import { Device } from "opaygo-wasm/device";
import { MetricsEncoder } from "opaygo-wasm/metrics";
import { verifyRequest, buildAnswer } from "opaygo-wasm/server";
import type { DataFormat } from "opaygo-wasm";

const key = "bc41ec9530f6dac86b1a29ab82edc5fb";
const startingCode = startingCodeOf(key);
const now = 1_700_000_000;

// The platform issues 7 days of credit; the customer types the token on the device's keypad.
const issued = generateToken({ key, startingCode, count: 1, type: "ADD_TIME", value: 7 });
const device = new Device({ key, startingCode, count: 1 });
const entry = device.enterToken(issued.token, now);
console.log(`token ${issued.token}: ${entry.result} ${entry.type} ${entry.value}`);

// The device uploads its usage, signed with its key ('ra': constant memory on the device).
const format: DataFormat = { id: 3, data_order: ["token_count"], historical_data_order: ["battery_v"], historical_data_interval: 3600 };
const encoder = new MetricsEncoder({ serialNumber: "SHS-0001", device, authMethod: "ra", dataFormat: format });
encoder.setTimestamp(now);
encoder.setData({ token_count: 1 });
encoder.addHistoricalRow({ battery_v: 13 });
const body = encoder.condensed();

// The server checks the signature and replay, then answers with the next token.
const check = verifyRequest({ body, key, lastTimestamp: now - 3600 });
const next = generateToken({ key, startingCode, count: issued.count, type: "ADD_TIME", value: 30 });
const answer = buildAnswer({ body, key, answer: { token_list: [next.token] } });
const applied = encoder.applyAnswer(answer, now + 60);
console.log(`request ${body.length} B: ${check.result}; answer ${answer.length} B: ${applied.tokens.map((t) => t.result).join(",")}`);
if (check.result !== "valid" || entry.result !== "ACCEPTED" || applied.tokens[0]?.result !== "ACCEPTED") process.exit(1);
