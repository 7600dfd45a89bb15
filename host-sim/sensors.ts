// Sensor models of a 12 V solar home system: a panel that follows day, night and clouds, a
// battery whose voltage and current come from a state-of-charge model, two outputs (lights and
// a TV/fan) switched by a household's usage pattern, and the alarms (overload, low battery,
// tamper). Everything is driven by one seeded Prng, so a seed gives the same readings.
import { Prng } from "./prng.js";

export interface Reading {
  battery_voltage: number;
  battery_current: number; // negative while charging, as the Metrics examples say
  panel_voltage: number;
  output_1_current: number;
  output_2_current: number;
}

export interface Alarms {
  tampered: boolean;
  overload_alert: boolean;
  low_battery_alert: boolean;
}

export const HISTORICAL_ORDER = ["battery_voltage", "battery_current", "panel_voltage", "output_1_current", "output_2_current"] as const;

const round2 = (x: number) => Math.round(x * 100) / 100 + 0; // + 0: never -0

export interface SystemOptions {
  /** battery capacity, amp-hours */
  capacityAh?: number;
  /** panel peak power, watts */
  panelWatts?: number;
  /** hours added to UTC for the sun and the household (e.g. 3 for East Africa) */
  utcOffsetHours?: number;
}

export class SolarHomeSystem {
  soc: number; // state of charge, 0..1
  private cloud = 0; // 0 clear .. 1 overcast, a slow random walk
  private tv: { start: number; end: number } | null = null;
  private overloadUntil = 0;
  private tamperUntil = 0;
  private lowBattery = false;
  private lastTime: number | null = null;
  readonly capacityAh: number;
  readonly panelWatts: number;
  readonly offset: number;
  private readonly lightsEvening: number; // hour the lights go on
  private readonly lightsOff: number; // hour they go off
  private readonly tvLikes: number; // chance of a TV evening

  constructor(private rng: Prng, o: SystemOptions = {}) {
    this.capacityAh = o.capacityAh ?? rng.range(17, 26);
    this.panelWatts = o.panelWatts ?? rng.range(40, 60);
    this.offset = (o.utcOffsetHours ?? 3) * 3600;
    this.soc = rng.range(0.55, 0.85);
    this.lightsEvening = rng.range(17.8, 18.8);
    this.lightsOff = rng.range(21.5, 23.5);
    this.tvLikes = rng.range(0.4, 0.9);
  }

  /** 0..1 sunlight reaching the panel at unix time t */
  irradiance(t: number): number {
    const hour = (((t + this.offset) % 86400) + 86400) % 86400 / 3600;
    const sun = Math.sin((Math.PI * (hour - 6)) / 12.4);
    return sun > 0 ? sun * (1 - 0.8 * this.cloud) : 0;
  }

  /**
   * Advances the model to unix time t and returns the reading there. `outputsOn` is false while
   * the PAYG credit is used up: the controller then cuts both outputs.
   */
  step(t: number, outputsOn: boolean): { reading: Reading; alarms: Alarms } {
    const dt = this.lastTime === null ? 0 : Math.max(0, t - this.lastTime);
    this.lastTime = t;
    const r = this.rng;
    const hour = (((t + this.offset) % 86400) + 86400) % 86400 / 3600;

    this.cloud = Math.min(1, Math.max(0, this.cloud + r.gauss(0.04) * Math.sqrt(dt / 120) + (r.chance(0.002) ? 0.5 : 0) - 0.002));
    const irr = this.irradiance(t);

    // Loads: lights in the evening and early morning, a TV/fan some evenings.
    const lightsWanted = hour >= this.lightsEvening && hour < this.lightsOff || (hour >= 5.2 && hour < 6.3);
    if (this.tv && t >= this.tv.end) this.tv = null;
    if (!this.tv && hour >= 18.5 && hour < 19 && r.chance(this.tvLikes / 15)) {
      this.tv = { start: t, end: t + r.int(60, 210) * 60 };
    }
    if (!this.overloadUntil && r.chance(0.0008)) this.overloadUntil = t + r.int(2, 12) * 60;
    if (this.overloadUntil && t >= this.overloadUntil) this.overloadUntil = 0;
    if (!this.tamperUntil && r.chance(0.00005)) this.tamperUntil = t + 3600;
    if (this.tamperUntil && t >= this.tamperUntil) this.tamperUntil = 0;

    const cutoff = this.soc < 0.08; // low-voltage disconnect protects the battery
    const powered = outputsOn && !cutoff;
    let out1 = powered && lightsWanted ? 0.62 + r.gauss(0.03) : 0;
    let out2 = powered && this.tv ? 1.27 + r.gauss(0.02) : 0;
    if (powered && this.overloadUntil) out2 += 1.9; // a too large appliance plugged in
    out1 = Math.max(0, out1);
    out2 = Math.max(0, out2);

    // Battery: charge current from the panel, minus the loads and the controller's own draw.
    const charge = this.soc < 0.99 ? (this.panelWatts * irr * 0.8) / 13.5 : 0;
    const batteryCurrent = out1 + out2 + 0.03 - charge; // positive: discharging
    this.soc = Math.min(1, Math.max(0, this.soc - (batteryCurrent * dt) / 3600 / this.capacityAh));
    const batteryVoltage = 11.7 + 1.35 * this.soc - 0.06 * batteryCurrent + r.gauss(0.015);
    const panelVoltage = irr > 0.01 ? 17.2 + 2.4 * Math.min(1, irr * 2) - 0.25 * Math.max(0, -batteryCurrent) + r.gauss(0.05) : Math.max(0, irr * 400 + r.gauss(0.02));

    if (this.soc < 0.2) this.lowBattery = true;
    else if (this.soc > 0.3) this.lowBattery = false;

    return {
      reading: {
        battery_voltage: round2(batteryVoltage),
        battery_current: round2(batteryCurrent),
        panel_voltage: round2(Math.max(0, panelVoltage)),
        output_1_current: round2(out1),
        output_2_current: round2(out2),
      },
      alarms: { tampered: this.tamperUntil > 0, overload_alert: out1 + out2 > 2.5, low_battery_alert: this.lowBattery },
    };
  }
}
