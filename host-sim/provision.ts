// Devices provisioned in bulk from CSV (`opaygo server provision`): one device per line,
// `serial,key,starting_code[,count[,auth_methods]]`, an optional header line naming those columns,
// blank lines ignored. auth_methods: the methods the device may sign with, separated by spaces or
// `|` (e.g. `ra da`; default every method but sa). Every line is checked before anything is
// stored; the problems come back by line number.
import { ALL_AUTH_METHODS, DEFAULT_AUTH_METHODS } from "./store.js";

export interface NewDevice {
  /** line number in the file */
  line: number;
  serial: string;
  /** 32 lowercase hex digits */
  key: string;
  startingCode: number;
  count: number;
  authMethods: string[];
}

export interface ProvisionProblem {
  line: number;
  message: string;
}

const HEADER = /^serial,key,starting_code(,count(,auth_methods)?)?$/i;

function problemsOf(cells: string[]): string | null {
  if (cells.some((c) => c.includes('"'))) return "quoted cells are not supported";
  if (cells.length < 3 || cells.length > 5) return `expected serial,key,starting_code[,count[,auth_methods]], got ${cells.length} cells`;
  const [serial, key, startingCode, count, auth] = cells;
  if (!/^[\x21-\x7e]{1,64}$/.test(serial)) return "serial must be 1 to 64 visible ASCII characters";
  if (!/^[0-9a-fA-F]{32}$/.test(key)) return "key must be 32 hexadecimal digits";
  if (!/^\d{1,9}$/.test(startingCode)) return "starting_code must be a whole number 0..999999999";
  if (count !== undefined && count !== "" && !(/^\d{1,5}$/.test(count) && Number(count) <= 0xffff)) return "count must be a whole number 0..65535";
  if (auth !== undefined && authMethods(auth) === null) return `auth_methods must be distinct methods of ${ALL_AUTH_METHODS.join(" ")}, separated by spaces or |`;
  return null;
}

function authMethods(cell: string): string[] | null {
  const list = cell.split(/[\s|]+/).filter(Boolean);
  const known = list.every((m) => (ALL_AUTH_METHODS as readonly string[]).includes(m));
  return list.length > 0 && known && new Set(list).size === list.length ? list : null;
}

/** The devices of a CSV text, or every problem found (a line number and a message each). */
export function parseDevicesCsv(text: string): { devices: NewDevice[]; problems: ProvisionProblem[] } {
  const devices: NewDevice[] = [];
  const problems: ProvisionProblem[] = [];
  const lineOfSerial = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const text = raw.trim();
    if (text === "" || (line === 1 && HEADER.test(text.replace(/\s+/g, "")))) return;
    const cells = text.split(",").map((c) => c.trim());
    const problem = problemsOf(cells);
    if (problem) return void problems.push({ line, message: problem });
    const [serial, key, startingCode, count, auth] = cells;
    const first = lineOfSerial.get(serial);
    if (first !== undefined) return void problems.push({ line, message: `serial ${serial} is also on line ${first}` });
    lineOfSerial.set(serial, line);
    devices.push({ line, serial, key: key.toLowerCase(), startingCode: Number(startingCode), count: count === undefined || count === "" ? 1 : Number(count),
      authMethods: auth === undefined ? [...DEFAULT_AUTH_METHODS] : authMethods(auth)! });
  });
  return { devices, problems };
}
