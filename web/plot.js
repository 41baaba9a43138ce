// The response plot: M-protein and free light chains over time (uPlot, one y axis per unit), a
// dashed line at the first dose of each anti-myeloma drug, and the response category of each
// measurement day along the top. A table below carries the same numbers for reading and copying.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { el } from './cards.js';

const COLOURS = {
  'lab:mprotein': '#1f6feb',
  'lab:mprotein-urine-24h': '#8250df',
  'lab:flc-kappa': '#2da44e',
  'lab:flc-lambda': '#8c564b',
  dflc: '#d97706',
};
const DAY_S = 86400;

const seconds = (iso) => Math.floor(Date.parse(iso) / 1000);
const day = (iso) => iso.slice(0, 10);

let current;

/** Draws `data` (GET ui/api/series/:id) into `container` and fills `table`; returns the number of points drawn. */
export function drawResponsePlot(container, table, data, locale) {
  current?.destroy();
  container.replaceChildren();
  const xs = [...new Set(data.series.flatMap((s) => s.points.map((p) => seconds(p.date))))].sort((a, b) => a - b);
  const units = [...new Set(data.series.map((s) => s.unit))];
  const columns = data.series.map((s) => {
    const byX = new Map(s.points.map((p) => [seconds(p.date), p.value]));
    return xs.map((x) => byX.get(x) ?? null);
  });
  const marks = [...data.treatments.map((t) => seconds(t.date)), ...xs];
  const [lo, hi] = [Math.min(...marks) - 20 * DAY_S, Math.max(...marks) + 20 * DAY_S];

  const opts = {
    width: Math.max(480, container.clientWidth || 900),
    height: 340,
    // Every y scale starts at zero: a fall to a third should look like one.
    scales: { x: { time: true, range: () => [lo, hi] }, ...Object.fromEntries(units.map((u) => [u, { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] }])) },
    series: [
      {},
      ...data.series.map((s) => ({
        label: `${s.label[locale] ?? s.label.en} (${s.unit})`,
        scale: s.unit,
        stroke: COLOURS[s.concept] ?? '#444',
        width: 2,
        spanGaps: true,
        points: { show: true, size: 8, fill: COLOURS[s.concept] ?? '#444' },
      })),
    ],
    axes: [
      {},
      ...units.map((u, i) => ({ scale: u, label: u, side: i === 0 ? 3 : 1, grid: { show: i === 0 } })),
    ],
    hooks: { draw: [(u) => annotate(u, data, locale)] },
  };
  current = new uPlot(opts, [xs, ...columns], container);
  fillTable(table, data, locale);
  const points = columns.flat().filter((v) => v !== null).length;
  container.dataset.points = String(points);
  return points;
}

function annotate(u, data, locale) {
  const { ctx, bbox } = u;
  const dpr = window.devicePixelRatio || 1;
  ctx.save();
  ctx.font = `${12 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.strokeStyle = '#57606a';
  ctx.fillStyle = '#24292f';
  ctx.setLineDash([6 * dpr, 4 * dpr]);
  data.treatments.forEach((t, i) => {
    const x = u.valToPos(seconds(t.date), 'x', true);
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    const names = t.drugs.map((d) => d[locale] ?? d.en).join(' + ');
    ctx.fillText(names, x + 4 * dpr, bbox.top + bbox.height - (6 + 14 * (i % 2)) * dpr);
  });
  ctx.setLineDash([]);
  ctx.font = `bold ${12 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  data.categories.forEach((c, i) => {
    const x = u.valToPos(seconds(c.date), 'x', true);
    ctx.fillStyle = c.category === 'PD' ? '#c62828' : '#1e7b34';
    ctx.fillText(c.category ?? '?', x, bbox.top + (14 + 14 * (i % 2)) * dpr);
  });
  ctx.restore();
}

/** At most three decimals, as the lab reports them (11.2, not 11.200000000000001). */
const num = (v) => String(Math.round(v * 1000) / 1000);

function fillTable(table, data, locale) {
  const categoryOf = new Map(data.categories.map((c) => [day(c.date), c.category ?? 'not decidable']));
  const startedOn = new Map(data.treatments.map((t) => [day(t.date), t.drugs.map((d) => d[locale] ?? d.en).join(' + ')]));
  const days = [...new Set([...data.series.flatMap((s) => s.points.map((p) => day(p.date))), ...startedOn.keys()])].sort();
  const head = el('tr', {}, el('th', {}, 'Date'), data.series.map((s) => el('th', {}, `${s.label[locale] ?? s.label.en} (${s.unit})`)),
    el('th', {}, 'Response category'), el('th', {}, 'First dose'));
  const rows = days.map((d) =>
    el('tr', {},
      el('td', {}, d),
      data.series.map((s) => {
        const p = s.points.find((q) => day(q.date) === d);
        const tags = p ? [p.date === s.baseline ? ' (baseline)' : '', p.date === s.nadir ? ' (nadir)' : ''].join('') : '';
        return el('td', {}, p ? `${num(p.value)}${tags}` : '');
      }),
      el('td', {}, categoryOf.get(d) ?? ''),
      el('td', {}, startedOn.get(d) ?? '')));
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, rows));
}
