// Expansion vectors for the Metrics specification's time rules (Specifications.md v1.0.0-rc1,
// "historical_data"): built by hand from the rules, not produced by a library. The start time is
// data_collection_timestamp (dtc or the spec's dct) if present, else ts, else the reception time.
// Each row in order: relative_time adds to the running time and becomes "timestamp"; a truthy
// timestamp replaces the running time; otherwise the row is historical_data_interval after the
// one before (the first row takes the start time). A negative interval: rows newest first.
// `reference` says whether openpaygo 0.6.3 implements the same (it does not read dct).
export interface TimeVector {
  name: string;
  payload: string;
  receivedAt: number;
  /** the expanded rows' timestamps */
  times: number[];
  /** the expanded historical rows, as canonical JSON */
  rows: string;
  reference: boolean;
}

const NEWEST_FIRST = '{"data_order":["tc"],"historical_data_order":["v","relative_time","timestamp"],"historical_data_interval":-60}';
const NO_INTERVAL = '{"data_order":["tc"],"historical_data_order":["v","relative_time","timestamp"]}';

export const TIME_VECTORS: TimeVector[] = [
  {
    name: "negative interval from ts; relative_time, an explicit timestamp and an index-keyed object row in between",
    payload: `{"sn":"S","dfo":${NEWEST_FIRST},"ts":1000000,"d":[5],"hd":[[1],[2],[3,-30],[4],[5,null,999000],[6],{"1":-10,"0":7}]}`,
    receivedAt: 1_600_000_000,
    // 1000000 (start) -60 -30 (relative) -60, 999000 (explicit), -60, -10 (relative)
    times: [1000000, 999940, 999910, 999850, 999000, 998940, 998930],
    rows: '[{"v":1,"timestamp":1000000},{"v":2,"timestamp":999940},{"v":3,"timestamp":999910},{"v":4,"timestamp":999850},' +
      '{"v":5,"relative_time":null,"timestamp":999000},{"v":6,"timestamp":998940},{"v":7,"timestamp":998930}]',
    reference: true,
  },
  {
    name: "no ts: the reception time starts the rows; relative_time on the first row counts from it",
    payload: `{"sn":"S","dfo":${NEWEST_FIRST},"rc":3,"hd":[[1,-5],[2],[3,-120]]}`,
    receivedAt: 1_600_000_000,
    times: [1599999995, 1599999935, 1599999815],
    rows: '[{"v":1,"timestamp":1599999995},{"v":2,"timestamp":1599999935},{"v":3,"timestamp":1599999815}]',
    reference: true,
  },
  {
    name: "relative_time only (no interval in the format), negative and positive, simple rows; a fraction truncated toward zero",
    payload: `{"sn":"S","dfo":${NO_INTERVAL},"ts":2000,"hd":[{"relative_time":0,"v":1},{"relative_time":-100,"v":2},{"v":3,"relative_time":40},{"v":4,"relative_time":-30.7}]}`,
    receivedAt: 1_600_000_000,
    times: [2000, 1900, 1940, 1910],
    rows: '[{"v":1,"timestamp":2000},{"v":2,"timestamp":1900},{"v":3,"timestamp":1940},{"v":4,"timestamp":1910}]',
    reference: true,
  },
  {
    name: "dtc (the reference's name) starts the rows instead of ts",
    payload: `{"sn":"S","dfo":${NEWEST_FIRST},"ts":1000000,"dtc":900000,"hd":[[1,15],[2],[3]]}`,
    receivedAt: 1_600_000_000,
    times: [900015, 899955, 899895],
    rows: '[{"v":1,"timestamp":900015},{"v":2,"timestamp":899955},{"v":3,"timestamp":899895}]',
    reference: true,
  },
  {
    name: "dct (the specification's name) starts the rows instead of ts; the reference ignores it",
    payload: `{"sn":"S","dfo":${NEWEST_FIRST},"ts":1000000,"dct":900000,"hd":[[1,15],[2],[3]]}`,
    receivedAt: 1_600_000_000,
    times: [900015, 899955, 899895],
    rows: '[{"v":1,"timestamp":900015},{"v":2,"timestamp":899955},{"v":3,"timestamp":899895}]',
    reference: false,
  },
];
