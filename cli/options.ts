// Parsers for command-line option values: each refuses bad text with a clear message.
import { InvalidArgumentError } from "commander";

export function integer(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`${name} must be a whole number`);
    const n = Number(text);
    if (n > max) throw new InvalidArgumentError(`${name} must be at most ${max}`);
    return n;
  };
}

export function positiveNumber(name: string) {
  return (text: string): number => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

export function number(name: string) {
  return (text: string): number => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
    return n;
  };
}

export function usedCountsMask(text: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 0xffff)) throw new InvalidArgumentError("used counts must be a 16-bit mask (0..65535 or 0x0000..0xffff)");
  return n;
}
