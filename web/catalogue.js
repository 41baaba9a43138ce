// The rule catalogue table (GET ui/api/catalogue): every rule the service runs, grouped by clinical
// area, with its hooks, indicators, seed quote (linked to the passage) and a demo patient to try.
import { el } from './cards.js';

const OUTCOME_LABEL = { fired: 'fired', notEvaluable: 'not evaluable' };
const QUOTE_PREVIEW = 220;

/** Long quotes show their start; the whole quote is one click away. */
function quote(text) {
  if (text.length <= QUOTE_PREVIEW) return el('blockquote', {}, `«${text}»`);
  return el('details', {}, el('summary', {}, `«${text.slice(0, QUOTE_PREVIEW).trimEnd()} …»`), el('blockquote', {}, `«${text}»`));
}

export function renderCatalogue(tbody, rules) {
  const rows = [];
  let area;
  for (const r of rules) {
    if (r.area !== area) {
      area = r.area;
      rows.push(el('tr', { class: 'area', 'data-area': area }, el('td', { colspan: 5 }, area || 'other')));
    }
    const demo = r.demos[0];
    rows.push(el('tr', { 'data-rule-id': r.id, 'data-search': [r.id, r.hooks.join(' '), r.title.en, r.title.nb, r.citation?.quote ?? ''].join(' ').toLowerCase() },
      el('td', {}, el('span', { class: 'rule-id', id: `rule-${r.id}` }, r.id), el('br'), el('span', { title: r.title.nb }, r.title.en),
        r.proposal ? el('div', { class: 'muted' }, 'has readings beyond the seed (proposal)') : ''),
      el('td', {}, r.hooks.map((h) => el('span', { class: 'pill' }, h))),
      el('td', {}, Object.entries(r.indicators).map(([outcome, ind]) => el('div', {}, el('span', { class: `pill pill--${ind}` }, ind), ` ${OUTCOME_LABEL[outcome]}`))),
      el('td', {}, r.citation
        ? [quote(r.citation.quote), el('a', { href: r.citation.url, target: '_blank', rel: 'noopener' }, `[${r.citation.document}] ${r.citation.section}`)]
        : el('span', { class: 'muted' }, 'service card (no seed)')),
      el('td', {}, demo
        ? [el('a', { href: `#preview:${demo.patientId}:${demo.call}`, class: 'try' }, `Try: ${demo.patientId}`), el('div', { class: 'muted' }, `${demo.hook} → ${demo.topic}`),
          r.demos.length > 1 ? el('div', { class: 'muted' }, `and ${r.demos.length - 1} more call(s)`) : '']
        : el('span', { class: 'muted' }, 'no demo patient'))));
  }
  tbody.replaceChildren(...rows);
}

export function filterCatalogue(tbody, text) {
  const q = text.trim().toLowerCase();
  for (const row of tbody.querySelectorAll('tr[data-rule-id]')) row.hidden = q !== '' && !row.dataset.search.includes(q);
}
