// `opaygo demo`: a month in the life of one solar home system, tokens only. Runs on embedded
// defaults; every line it prints is computed by the two .wasm modules.
import { Command } from "commander";
import { Device } from "../bindings/device.js";
import { generateToken, startingCodeOf, TokenType } from "../bindings/token.js";

const DAY = 86400;

export function register(program: Command): void {
  program
    .command("demo")
    .description("token demo: a server generates tokens, a simulated device (opaygo-device.wasm) accepts them")
    .option("--key <hex>", "device secret key", "a29ab82edc5fbbc41ec9530f6dac86b1")
    .action((o) => {
      const key: string = o.key;
      const startingCode = startingCodeOf(key);
      const device = new Device({ key, startingCode, count: 1 });
      let serverCount = 1;
      const issue = (type: TokenType, value?: number) => {
        const t = generateToken({ key, count: serverCount, type, value, startingCode });
        serverCount = t.count;
        return t.token;
      };
      const show = (day: number, what: string, token: string | null, result?: string) => {
        const now = day * DAY;
        const left = device.daysRemaining(now);
        const credit = left === null ? "unlimited" : `${left.toFixed(1)} days left`;
        const state = device.isActive(now) ? "ON " : "OFF";
        console.log(`day ${String(day).padStart(2)}  ${what.padEnd(30)} ${(token ?? "").padEnd(12)} ${(result ?? "").padEnd(12)} ${state}  ${credit}`);
      };
      console.log(`device key ${key}, starting code ${startingCode}, count 1\n`);
      const enter = (day: number, what: string, token: string) => show(day, what, token, device.enterToken(token, day * DAY).result);
      show(0, "installed, locked", null);
      enter(0, "customer pays 7 days", issue("SET_TIME", 7));
      enter(5, "customer pays 3 more days", issue("ADD_TIME", 3));
      const reused = issue("ADD_TIME", 2);
      enter(6, "pays 2 days", reused);
      enter(6, "types the same token again", reused);
      show(12, "credit ran out", null);
      enter(12, "mistypes a token", "123456780");
      enter(12, "tries again at once", "123456780");
      enter(13, "pays 10 days (counts from now)", issue("ADD_TIME", 10));
      const blob = device.save();
      const restored = new Device({ key, startingCode, count: 0 });
      restored.load(blob);
      console.log(`day 20  state saved to flash: ${Buffer.from(blob).toString("hex")} (${blob.length} bytes), reloaded: count ${restored.count()}`);
      enter(30, "pays off the system", issue("DISABLE_PAYG"));
      show(400, "a year later", null);
    });
}
