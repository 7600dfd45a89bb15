// The simulator's report page (host-sim/report.ts writes it, this module inlined): a device picker
// naming every device in its colour, and one card per device with its credit (lock periods
// shaded), the data billed this month against the budget and its battery voltage. All charts
// zoom together.
import { deviceColors, timeChart, zoomTo } from "./charts.js";
import type { ReportData, ReportDevice } from "./report-data.js";

const GROUP = "time";
const data: ReportData = JSON.parse(document.getElementById("sim-data")!.textContent!);
const colors = deviceColors(data.devices.length);
const picker = document.getElementById("picker")!;
const cards = document.getElementById("devices")!;

function tag<K extends keyof HTMLElementTagNameMap>(name: K, attrs: Record<string, string>, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}
const swatch = (color: string) => tag("i", { class: "swatch", style: `background:${color}` });

function card(d: ReportDevice, color: string): HTMLElement {
  const used = d.kb.length > 0 ? d.kb[d.kb.length - 1] : 0;
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? "" : "s"}`;
  const facts = `${n(d.requests, "upload")}, ${n(d.tokens, "token")}, ${n(d.locks, "lock")}, ${used} KB billed this month of ${data.budgetKb}`;
  const section = tag("section", { class: "device", "data-serial": d.serial },
    tag("h3", {}, swatch(color), d.serial, tag("span", { class: "facts" }, facts)));
  cards.append(section);
  const line = (values: number[]) => [{ label: d.serial, color, values }];
  const span = { from: data.start, to: data.end };
  timeChart(section, {
    title: "Credit left", unit: "days", x: d.t, lines: line(d.credit), fromZero: true, height: 150, group: GROUP, span,
    shade: { label: "locked (no credit)", periods: d.locked.map(([from, to]) => ({ from, to })) },
  });
  timeChart(section, {
    title: `Data billed this month (each session rounded up to whole KB)`, unit: "KB", x: d.t, lines: line(d.kb), digits: 0,
    fromZero: true, height: 150, group: GROUP, span, limit: { value: data.budgetKb, label: `budget ${data.budgetKb} KB a month` },
  });
  timeChart(section, { title: "Battery voltage", unit: "V", x: d.t, lines: line(d.volts), height: 130, group: GROUP, span });
  return section;
}

const boxes: HTMLInputElement[] = [];
const sections: HTMLElement[] = [];
data.devices.forEach((d, i) => {
  const box = tag("input", { type: "checkbox", value: d.serial });
  box.checked = true;
  const section = card(d, colors[i]);
  box.addEventListener("change", () => { section.hidden = !box.checked; });
  boxes.push(box);
  sections.push(section);
  picker.querySelector(".choices")!.append(tag("label", { class: "choice" }, box, swatch(colors[i]), d.serial));
});

const showAll = (on: boolean) => boxes.forEach((b, i) => { b.checked = on; sections[i].hidden = !on; });
picker.querySelector<HTMLButtonElement>("button[data-show=all]")!.onclick = () => showAll(true);
picker.querySelector<HTMLButtonElement>("button[data-show=none]")!.onclick = () => showAll(false);
for (const b of document.querySelectorAll<HTMLButtonElement>("button[data-days]")) {
  const days = Number(b.dataset.days);
  b.onclick = () => zoomTo(GROUP, days > 0 ? Math.max(data.start, data.end - days * 86400) : data.start, data.end);
}
document.body.dataset.ready = "true";
