// A simulated solar home system: sensors, its own opaygo-device.wasm instance (through the codec
// adapter) with its own serial, key, state blob and clock, and hourly uploads over HTTP.
import { DeviceCodec, AppliedToken, AuthMethod, DataFormat, Encoding } from "./codec.js";
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
  badSignatures: number;
  rejections: Record<string, number>;
}

export class SimDevice {
  readonly codec: DeviceCodec;
  readonly system: SolarHomeSystem;
  readonly stats: DeviceStats = {
    requests: 0, accepted: 0, rejected: 0, failed: 0, bytesUp: 0, bytesDown: 0, bodyUp: 0, bodyDown: 0,
    tokensDelivered: 0, tokensApplied: 0, tokensRefused: 0, locks: 0, unlocks: 0, samples: 0, rowsDropped: 0, badSignatures: 0, rejections: {},
  };
  /** every reading taken, when kept (the tests compare them with the server's database) */
  readonly samples: { t: number; reading: Reading }[] = [];
  /** hourly points for the report: time, battery voltage, days of credit left */
  readonly series: { t: number; v: number; credit: number }[] = [];
  readonly tokenLog: AppliedToken[] = [];
  uploadEvery: number;
  /** data billed per session rounded up to whole KB, summed */
  sessionKb = 0;
  lastUpload: number | null = null;
  private active = false;
  private lastReading: Reading | null = null;
  private alarms = { tampered: false, overload_alert: false, low_battery_alert: false };
  flash: Uint8Array;

  constructor(readonly o: SimDeviceOptions) {
    this.system = new SolarHomeSystem(o.rng);
    this.codec = new DeviceCodec({
      serial: o.serial, key: o.key, startingCode: o.startingCode, count: 1, format: o.format, auth: o.auth, encoding: o.encoding,
      capacityRows: 24 * 30 * 4, floatVariables: HISTORICAL_ORDER,
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
    this.stats.samples++;
    if (this.o.keepSamples) this.samples.push({ t, reading });
  }

  private trackCredit(t: number): void {
    const now = this.codec.isActive(t);
    if (now && !this.active) this.stats.unlocks++;
    if (!now && this.active) this.stats.locks++;
    this.active = now;
  }

  dueForUpload(t: number, start: number): boolean {
    return t - (this.lastUpload ?? start) >= this.uploadEvery;
  }

  async upload(t: number, baseUrl: string): Promise<void> {
    this.lastUpload = t;
    this.codec.setStatus({
      token_count: this.codec.tokenCount(), tampered: this.alarms.tampered, firmware_version: FIRMWARE,
      overload_alert: this.alarms.overload_alert, low_battery_alert: this.alarms.low_battery_alert,
    });
    const dropped = this.codec.dropped;
    const req = this.codec.encodeRequest(t);
    this.stats.requests++;
    this.stats.bodyUp += req.body.length;
    let r;
    try {
      r = await exchange(route(baseUrl, "/dd"), "POST", req.body, req.contentType);
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
    const answer = this.codec.applyAnswer(r.body, r.contentType, t);
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
    this.stats.rowsDropped += this.codec.dropped - dropped;
    this.trackCredit(t);
    this.series.push({ t, v: this.lastReading?.battery_voltage ?? 0, credit: this.codec.secondsLeft(t) / 86400 });
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
