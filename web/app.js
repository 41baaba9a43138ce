// The page: wires the form to the service's own hook endpoints (POST cds-services/heme-*), shows the
// cards, the response plot for demo patients with response cards, and the rule catalogue.
import { el, renderCard } from './cards.js';
import { draftFromConcept, draftFromSpec, hookRequest } from './drafts.js';
import { drawResponsePlot } from './plot.js';
import { filterCatalogue, renderCatalogue } from './catalogue.js';

const $ = (id) => document.getElementById(id);
const state = { setup: undefined, concepts: undefined, responseRules: new Set() };

async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}

const selectedPatient = () => state.setup.patients.find((p) => p.id === $('demo-patient').value);
const usesDemo = () => document.querySelector('input[name=source]:checked').value === 'demo';

function fillPatients() {
  $('demo-patient').replaceChildren(...state.setup.patients.map((p) => el('option', { value: p.id }, p.id)));
  fillScenarios();
}

function fillScenarios() {
  const p = selectedPatient();
  $('demo-summary').textContent = p ? p.summary : '';
  const calls = (p?.calls ?? []).map((c, i) => {
    const drafts = (c.drafts ?? []).map((d) => d.text + (d.dose ? ` ${d.dose.value} ${d.dose.unit}` : '')).join(' + ');
    return el('option', { value: String(i) }, `${c.hook}${drafts ? `: ${drafts}` : ''}`);
  });
  $('scenario').replaceChildren(el('option', { value: '' }, 'Custom: choose the hook and order below'), ...calls);
  syncOrderFields();
}

function fillOrders() {
  const group = (label, kind) => el('optgroup', { label }, state.concepts[kind].map((c) => el('option', { value: `${kind}|${c.id}` }, `${c.display.en} (${c.codes[0].code})`)));
  $('order').replaceChildren(group('Drugs', 'drugs'), group('Procedures', 'procedures'));
}

function syncOrderFields() {
  const scenario = $('scenario').value;
  const call = scenario === '' || !usesDemo() ? undefined : selectedPatient()?.calls[Number(scenario)];
  if (call) $('hook').value = call.hook;
  $('hook').disabled = call !== undefined;
  const custom = call === undefined && $('hook').value !== 'patient-view';
  for (const id of ['order', 'dose', 'order-date']) $(id).disabled = !custom;
}

function draftsFor(patientId, now) {
  const hook = $('hook').value;
  if (hook === 'patient-view') return [];
  const scenario = $('scenario').value;
  const call = scenario === '' || !usesDemo() ? undefined : selectedPatient()?.calls[Number(scenario)];
  if (call) return (call.drafts ?? []).map((d, i) => draftFromSpec(d, i, patientId, now));
  const [kind, id] = $('order').value.split('|');
  const concept = state.concepts[kind].find((c) => c.id === id);
  return [draftFromConcept(kind, concept, { locale: $('language').value, doseMg: Number($('dose').value), date: $('order-date').value }, patientId, now)];
}

async function showCards(event) {
  event?.preventDefault();
  const demo = usesDemo();
  const patientId = demo ? $('demo-patient').value : $('patient-id').value.trim();
  const fhirServer = demo ? state.setup.demoFhirBase : $('fhir-base').value.trim().replace(/\/+$/, '');
  if (!patientId || !fhirServer) return setStatus('Give a FHIR base URL and a patient id.', true);
  const hook = $('hook').value;
  const service = state.setup.services.find((s) => s.hook === hook);
  const body = hookRequest(hook, patientId, fhirServer, draftsFor(patientId, new Date().toISOString()));
  $('request-json').textContent = JSON.stringify(body, null, 2);
  $('request-details').hidden = false;
  $('plot-section').hidden = true;
  setStatus(`Calling ${service.id} …`);
  const started = performance.now();
  const res = await fetch(`cds-services/${service.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': $('language').value },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) {
    $('cards').replaceChildren();
    return setStatus(`HTTP ${res.status}: ${answer.issue?.[0]?.diagnostics ?? res.statusText}`, true);
  }
  const cards = answer.cards ?? [];
  setStatus(`${cards.length} card(s) from ${service.id} in ${Math.round(performance.now() - started)} ms`);
  $('cards').replaceChildren(...(cards.length ? cards.map(renderCard) : [el('p', { class: 'muted' }, 'No cards: the service has nothing to say on this call.')]));
  // A merged card (the overview) names every rule it stands for in its urn:heme-cds:rules extension.
  const codesOf = (c) => [c.source?.topic?.code ?? '', ...(c.extension?.['urn:heme-cds:rules'] ?? [])];
  const responseCard = cards.some((c) => codesOf(c).some((code) => state.responseRules.has(String(code).replace(/\.not-evaluable$/, ''))));
  if (demo && responseCard) await showPlot(patientId);
}

async function showPlot(patientId) {
  const data = await getJson(`ui/api/series/${encodeURIComponent(patientId)}`);
  if (data.series.length === 0) return;
  $('plot-section').hidden = false;
  drawResponsePlot($('plot'), $('plot-table'), data, $('language').value);
}

/** `#preview:<patient id>:<call index>` (the catalogue's "Try" links) runs that scenario call. */
async function followHash() {
  const m = /^#preview:([^:]+):(\d+)$/.exec(location.hash);
  if (!m || !state.setup.patients.some((p) => p.id === m[1])) return;
  document.querySelector('input[name=source][value=demo]').checked = true;
  $('demo-patient').value = m[1];
  fillScenarios();
  $('scenario').value = m[2];
  syncOrderFields();
  $('preview').scrollIntoView();
  await showCards();
}

function report(err) {
  setStatus(err instanceof Error ? err.message : String(err), true);
}

async function main() {
  const [setup, concepts, catalogue] = await Promise.all([getJson('ui/api/setup'), getJson('ui/api/concepts'), getJson('ui/api/catalogue')]);
  Object.assign(state, { setup, concepts, responseRules: new Set(catalogue.rules.filter((r) => r.area === 'response').map((r) => r.id)) });
  renderCatalogue(document.querySelector('#catalogue-table tbody'), catalogue.rules);
  $('catalogue-filter').addEventListener('input', (e) => filterCatalogue(document.querySelector('#catalogue-table tbody'), e.target.value));
  $('language').value = setup.locale;
  fillOrders();
  fillPatients();
  document.body.dataset.ready = 'true';

  if (setup.auth === 'required') {
    $('auth-note').hidden = false;
    $('auth-note').textContent =
      'Authentication is on: hook calls need a JWT signed by a trusted EHR client, which this page does not have. ' +
      'The card preview works only in loopback development (no trusted clients configured, or CDS_AUTH=off). The rule catalogue below works in every mode.';
    for (const node of $('preview-form').elements) node.disabled = true;
    return;
  }
  if (!setup.demoFhirBase) {
    document.querySelector('input[name=source][value=demo]').disabled = true;
    document.querySelector('input[name=source][value=fhir]').checked = true;
    $('demo-summary').textContent = 'The demo FHIR server is off (DEMO_FHIR=off): give a FHIR base URL and a patient id.';
  }
  $('demo-patient').addEventListener('change', fillScenarios);
  $('scenario').addEventListener('change', syncOrderFields);
  $('hook').addEventListener('change', syncOrderFields);
  for (const radio of document.querySelectorAll('input[name=source]')) radio.addEventListener('change', syncOrderFields);
  $('preview-form').addEventListener('submit', (e) => showCards(e).catch(report));
  window.addEventListener('hashchange', () => followHash().catch(report));
  await followHash();
}

main().catch(report);
