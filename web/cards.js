// Renders CDS Hooks cards roughly as an EHR does: indicator colour, summary, the detail's markdown
// (rendered by marked, then sanitised by DOMPurify: the detail quotes text from the patient record),
// the source link to the seed passage, suggestions with what each would create, override reasons.
import { marked } from '../vendor/marked/marked.esm.js';
import DOMPurify from '../vendor/dompurify/purify.es.mjs';

// Links in a card open beside the page, never in place of it.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** A DOM element with attributes and children (strings become text nodes, never HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : String(c));
  return node;
}

export function markdown(text) {
  const html = marked.parse(text, { gfm: true, async: false });
  const node = el('div', { class: 'detail' });
  node.innerHTML = DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
  return node;
}

const SYSTEMS = {
  'http://www.whocc.no/atc': 'ATC',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
  'http://loinc.org': 'LOINC',
  'http://snomed.info/sct': 'SNOMED CT',
  'urn:heme-cds:local': 'local',
};

function codeText(cc) {
  if (!cc) return '';
  const codings = (cc.coding ?? []).map((c) => `${SYSTEMS[c.system] ?? c.system} ${c.code}${c.display ? ` ${c.display}` : ''}`);
  return [...codings, cc.text && !codings.some((c) => c.includes(cc.text)) ? `“${cc.text}”` : undefined].filter(Boolean).join('; ');
}

function dosageText(d) {
  if (d.text) return d.text;
  const q = d.doseAndRate?.[0]?.doseQuantity;
  const r = d.timing?.repeat;
  const when = r ? ` ${r.frequency ?? 1}× per ${r.period ?? 1} ${r.periodUnit ?? ''}`.trimEnd() : '';
  return q ? `${q.value} ${q.unit ?? q.code ?? ''}${when}` : when.trim();
}

/** One line saying what an action would do: type, resource type, code and dosage. */
export function describeAction(action) {
  const r = action.resource;
  const parts = [el('strong', {}, action.type), ' '];
  if (r) {
    parts.push(el('code', {}, r.resourceType));
    const code = codeText(r.medicationCodeableConcept ?? r.code ?? r.vaccineCode);
    if (code) parts.push(`: ${code}`);
    const dose = (r.dosageInstruction ?? []).map(dosageText).filter(Boolean).join('; ');
    if (dose) parts.push(` — dosage: ${dose}`);
    if (r.occurrenceDateTime) parts.push(` — on ${r.occurrenceDateTime.slice(0, 10)}`);
  } else if (action.resourceId) {
    parts.push(el('code', {}, action.resourceId));
  }
  const li = el('li', { class: 'action' }, ...parts, el('div', { class: 'muted' }, action.description));
  if (r) li.append(el('details', {}, el('summary', {}, 'FHIR resource'), el('pre', {}, JSON.stringify(r, null, 2))));
  return li;
}

export function renderCard(card) {
  const topic = card.source?.topic;
  const merged = card.extension?.['urn:heme-cds:rules'];
  const node = el('article', { class: `card card--${card.indicator}`, 'data-topic': topic?.code, 'data-indicator': card.indicator, 'data-rules': Array.isArray(merged) ? merged.join(' ') : topic?.code },
    el('div', { class: 'card-head' },
      el('span', { class: `indicator indicator--${card.indicator}` }, card.indicator),
      el('p', { class: 'summary' }, card.summary)),
  );
  if (card.detail) node.append(markdown(card.detail));
  node.append(el('p', { class: 'card-source' }, 'Source: ',
    card.source.url ? el('a', { href: card.source.url, target: '_blank', rel: 'noopener', class: 'source-link' }, card.source.label) : card.source.label,
    topic ? [' · rule ', el('code', {}, topic.code), topic.display ? ` (${topic.display})` : ''] : []));
  if (card.suggestions?.length) {
    node.append(el('div', { class: 'muted' }, card.selectionBehavior ? `Suggestions (select ${card.selectionBehavior})` : 'Suggestions'),
      el('ul', { class: 'suggestions' }, card.suggestions.map((s) => el('li', { class: 'suggestion' },
        s.label, s.isRecommended ? el('span', { class: 'recommended' }, 'recommended') : '',
        el('ul', {}, (s.actions ?? []).map(describeAction))))));
  }
  if (card.overrideReasons?.length) {
    node.append(el('div', { class: 'muted' }, 'Override reasons (when dismissing the card)'),
      el('ul', { class: 'overrides' }, card.overrideReasons.map((o) => el('li', {}, o.display ?? o.code, ' ', el('code', {}, o.code)))));
  }
  if (card.links?.length) {
    node.append(el('ul', { class: 'links' }, card.links.map((l) => el('li', {}, el('a', { href: l.url, target: '_blank', rel: 'noopener' }, l.label), ` (${l.type})`))));
  }
  return node;
}
