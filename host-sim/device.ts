// A simulated solar home system: sensors, its own opaygo-device.wasm instance (through the codec
// adapter) with its own serial, key, state blob and clock, and hourly uploads over HTTP.
import { CodecError, DeviceCodec, AppliedToken, AuthMethod, DataFormat, Encoding, SimModule } from "./codec.js";
import { SolarHomeSystem, Reading, HISTORICAL_ORDER } from "./sensors.js";
import { Prng } from "./prng.js";
import { exchange, route } from "./http.js";

export const FIRMWARE = "1.14.2";

export interface SimDeviceOptions {
  serial: string;
  key: string;
  startingCode: number;
  format: DataFormat;
  auth: AuthMethod;
  encoding: Encoding;
  uploadEvery: number;
  rng: Prng;
  keepSamples: boolean;
  /** variables sent as round(value / scale_factor) (the format declares the same scale factors) */
  scaled?: Record<string, number>;
  /** the firmware module (DeviceCodecOptions.module) */
  module?: SimModule;
}

export interface DeviceStats {
  requests: number;
  accepted: number;
  rejected: number;
  failed: number; // no answer at all
  bytesUp: number;
  bytesDown: number;
  bodyUp: number;
  bodyDown: number;
  tokensDelivered: number;
  tokensApplied: number;
  tokensRefused: number;
  locks: number;
  unlocks: number;
  samples: number;
  rowsDropped: number;
  rowsSent: number;
  largestBodyUp: number;
  badSignatures: number;
  rejections: Record<string, number>;
}

export class SimDevice {
  readonly codec: DeviceCodec;
  readonly system: SolarHomeSystem;
  readonly stats: DeviceStats = {
    requests: 0, accepted: 0, rejected: 0, failed: 0, bytesUp: 0, bytesDown: 0, bodyUp: 0, bodyDown: 0,
    tokensDelivered: 0, tokensApplied: 0, tokensRefused: 0, locks: 0, unlocks: 0, samples: 0, rowsDropped: 0, rowsSent: 0, largestBodyUp: 0, badSignatures: 0, rejections: {},
  };
  /** every reading taken, when kept (the tests compare them with the server's database) */
  readonly samples: { t: number; reading: Reading }[] = [];
  /** a point per applied answer, for the report: time, battery voltage, days of credit left,
   *  KB billed so far (sessionKb) */
  readonly series: { t: number; v: number; credit: number; kb: number }[] = [];
  /** periods without credit (outputs off) as seen at the samples; to is null while still locked */
  readonly lockPeriods: { from: number; to: number | null }[] = [];
  readonly tokenLog: AppliedToken[] = [];
  uploadEvery: number;
  /** where a signed answer's settings.base_url moved the device (the spec's "Change of server
   *  parameters"); null: the base URL it was made with */
  movedTo: string | null = null;
  /** data billed per session rounded up to whole KB, summed */
  sessionKb = 0;
  lastUpload: number | null = null;
  /** early uploads: the next row would not have fitted the module's 1 KiB request buffer */
  earlyUploads = 0;
  private full = false;
  private active = false;
  private lastReading: Reading | null = null;
  private alarms = { tampered: false, overload_alert: false, low_battery_alert: false };
  flash: Uint8Array;

  constructor(readonly o: SimDeviceOptions) {
    this.system = new SolarHomeSystem(o.rng);
    this.codec = new DeviceCodec({
      serial: o.serial, key: o.key, startingCode: o.startingCode, count: 1, format: o.format, auth: o.auth, encoding: o.encoding,
      floatVariables: HISTORICAL_ORDER, scaled: o.scaled, module: o.module,
    });
    this.uploadEvery = o.uploadEvery;
    this.flash = this.codec.saveState();
  }

  get serial(): string {
    return this.o.serial;
  }

  /** One sampling interval: the outputs follow the credit, the reading goes into the module. */
  sample(t: number): void {
    this.trackCredit(t);
    const { reading, alarms } = this.system.step(t, this.active);
    this.alarms = alarms;
    this.lastReading = reading;
    this.codec.record(t, { ...reading });
    this.stats.rowsDropped = this.codec.dropped; // counted by the module's ring
    this.setStatus();
    this.stats.samples++;
    // One request carries every pending row and must fit the device's output buffer: when the
    // next row would not fit, upload now rather than let rows pile up beyond one request.
    this.full = !this.codec.fits(1);
    if (this.o.keepSamples) this.samples.push({ t, reading });
  }

  private trackCredit(t: number): void {
    const now = this.codec.isActive(t);
    const open = this.lockPeriods.at(-1);
    if (now && !this.active) {
      this.stats.unlocks++;
      if (open && open.to === null) open.to = t;
    }
    if (!now && this.active) this.stats.locks++;
    // locked since the first sample (no token yet) or since credit ran out
    if (!now && (this.active || !open)) this.lockPeriods.push({ from: t, to: null });
    this.active = now;
  }

  private setStatus(): void {
    this.codec.setStatus({
      token_count: this.codec.tokenCount(), tampered: this.alarms.tampered, firmware_version: FIRMWARE,
      overload_alert: this.alarms.overload_alert, low_battery_alert: this.alarms.low_battery_alert,
    });
  }

  dueForUpload(t: number, start: number): boolean {
    return this.full || t - (this.lastUpload ?? start) >= this.uploadEvery;
  }

  async upload(t: number, baseUrl: string): Promise<void> {
    if (this.full && this.lastUpload !== null && t - this.lastUpload < this.uploadEvery) this.earlyUploads++;
    this.lastUpload = t;
    this.full = false;
    this.setStatus();
    let req;
    try {
      req = this.codec.encodeRequest(t);
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      // never dropped: the rows stay in the ring (which counts what it has to drop when full)
      this.stats.rejections[`not sent: ${err.message.replace(/\d+/g, "N")}`] = (this.stats.rejections[`not sent: ${err.message.replace(/\d+/g, "N")}`] ?? 0) + 1;
      return;
    }
    this.stats.requests++;
    this.stats.bodyUp += req.body.length;
    this.stats.rowsSent += req.rows;
    this.stats.largestBodyUp = Math.max(this.stats.largestBodyUp, req.body.length);
    let r;
    try {
      r = await exchange(route(this.movedTo ?? baseUrl, "/dd"), "POST", req.body, req.contentType);
    } catch (err) {
      this.stats.failed++;
      this.stats.rejected++;
      this.stats.rejections.network = (this.stats.rejections.network ?? 0) + 1;
      return; // the rows stay in the device for the next upload
    }
    this.stats.bytesUp += r.bytesUp;
    this.stats.bytesDown += r.bytesDown;
    this.stats.bodyDown += r.body.length;
    this.sessionKb += Math.ceil((r.bytesUp + r.bytesDown) / 1024);
    if (r.status !== 201) {
      this.stats.rejected++;
      const reason = `${r.status} ${safeError(r.body)}`;
      this.stats.rejections[reason] = (this.stats.rejections[reason] ?? 0) + 1;
      return;
    }
    this.stats.accepted++;
    let answer;
    try {
      answer = this.codec.applyAnswer(r.body, r.contentType, t);
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      const reason = `answer refused: ${err.message.replace(/\d+/g, "N")}`;
      this.stats.rejections[reason] = (this.stats.rejections[reason] ?? 0) + 1;
      return; // nothing changed on the device: its rows go again with the next upload
    }
    if (answer.signatureOk === false) this.stats.badSignatures++;
    for (const tok of answer.tokens) {
      this.stats.tokensDelivered++;
      this.tokenLog.push(tok);
      if (tok.result === "ACCEPTED") this.stats.tokensApplied++;
      else this.stats.tokensRefused++;
    }
    if (answer.tokens.length > 0) this.flash = this.codec.saveState();
    const every = answer.settings?.upload_interval;
    if (typeof every === "number" && Number.isInteger(every) && every >= 60 && every <= 86400) this.uploadEvery = every;
    const moveTo = answer.settings?.base_url;
    if (typeof moveTo === "string" && /^https?:\/\/\S+$/.test(moveTo)) this.movedTo = moveTo;
    this.trackCredit(t);
    this.series.push({ t, v: this.lastReading?.battery_voltage ?? 0, credit: this.codec.secondsLeft(t) / 86400, kb: this.sessionKb });
  }
}

function safeError(body: Buffer): string {
  try {
    const e = JSON.parse(body.toString("utf8")).error;
    return typeof e === "string" ? e.replace(/\d+/g, "N").slice(0, 80) : "";
  } catch {
    return "";
  }
}
