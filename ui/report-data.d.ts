// What host-sim/report.ts hands the report page (ui/report.ts): the simulator's own results, per device.
export interface ReportDevice {
  serial: string;
  /** times (unix seconds) of the device's applied answers, one per accepted upload; at each: */
  t: number[];
  /** days of credit left, to 1e-4 day */
  credit: number[];
  /** KB billed so far in the current billing month (periodDays from the start; each session rounded up to whole KB) */
  kb: number[];
  /** battery voltage of the last sample */
  volts: number[];
  /** periods without credit (outputs off) as the device saw them at its samples: [from, to] unix seconds */
  locked: [number, number][];
  tokens: number;
  locks: number;
  requests: number;
}

export interface ReportData {
  /** unix seconds */
  start: number;
  end: number;
  budgetKb: number;
  periodDays: number;
  devices: ReportDevice[];
}
