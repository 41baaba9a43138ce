#!/usr/bin/env node
// Regenerates terminology/rxnorm-products.json: RxNorm product codes (clinical and branded drugs,
// their components, forms and groups) -> the drug concepts of terminology/ they contain.
//
// EHRs and the CDS Hooks sandbox order by product (SCD/SBD, e.g. 403879 "imatinib 400 MG Oral
// Tablet"); the terminology knows ingredients. Every input below is reduced to (code, RxNorm name)
// pairs, and a product is mapped by the ingredient names its RxNorm normalised name starts with
// (RxNorm builds SCD/SBD/SCDC/SCDF/SCDG names from the ingredient names), matched against each
// drug concept's names (`text`, `display.en`). Products whose name names no drug in scope are left out.
//
// Inputs (any combination; at least one):
//   --rxnconso FILE      RxNorm RXNCONSO.RRF (full release from NLM): SAB=RXNORM, product term types
//   --rxnorm-url URL     where that release came from (recorded as the source)
//   --sandbox FILE       src/assets/medication-list.js of github.com/cds-hooks/sandbox
//   --sandbox-url URL    the exact file URL (with commit)
//   --valuesets DIR      a folder of FHIR ValueSet JSON files listing RxNorm codes with displays
//   --valuesets-url URL  the exact folder URL (with commit)
//   --out FILE           default terminology/rxnorm-products.json
//   --date YYYY-MM-DD    the retrieval date recorded (default today)
//
// The command that made the shipped file is in its "$comment".
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const PRODUCT_TTYS = new Set(['SCD', 'SBD', 'GPCK', 'BPCK', 'SCDC', 'SBDC', 'SCDF', 'SBDF', 'SCDG', 'SBDG', 'PIN']);

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key?.startsWith('--') || value === undefined) throw new Error(`usage: see the header of scripts/rxnorm-products.mjs (at "${key}")`);
    opts[key.slice(2)] = value;
  }
  return opts;
}

/** Drug concepts of terminology/ with the lower-case names a product name may start with. */
function drugNames() {
  const dir = join(ROOT, 'terminology');
  const names = [];
  const ingredientCodes = new Set();
  for (const file of readdirSync(dir).filter((f) => /^concepts(\.[a-z0-9-]+)?\.json$/.test(f))) {
    const data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const [id, def] of Object.entries(data.concepts ?? {})) {
      if (def.kind !== 'drug') continue;
      for (const name of new Set([...(def.text ?? []), def.display.en].map((n) => n.toLowerCase()))) names.push({ id, name });
      for (const code of def.codes) if (code.system === 'rxnorm') ingredientCodes.add(code.code);
    }
  }
  // Longest first: "melphalan flufenamide" before "melphalan", "pegfilgrastim" is not "filgrastim".
  names.sort((a, b) => b.name.length - a.name.length);
  return { names, ingredientCodes };
}

/** The ingredient parts of an RxNorm name: packs, counts, volumes and durations dropped, split at " / ". */
function nameParts(name) {
  return name
    .toLowerCase()
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/[{}()]/g, ' / ')
    .split(' / ')
    .map((p) => p.trim().replace(/^(\d+ )?(\d+(\.\d+)? (ml|hr|actuat) )+/, '').replace(/^\d+ /, '').trim())
    .filter((p) => p !== '' && p !== 'pack');
}

/** Drug concept ids a product name names, in name order. */
function conceptsOf(productName, names) {
  const out = [];
  for (const part of nameParts(productName)) {
    const hit = names.find(({ name }) => {
      if (!part.startsWith(name)) return false;
      const rest = part.slice(name.length);
      // A word boundary, or an FDA biosimilar suffix ("filgrastim-sndz").
      return rest === '' || rest.startsWith(' ') || /^-[a-z]{4}\b/.test(rest);
    });
    if (hit && !out.includes(hit.id)) out.push(hit.id);
  }
  return out;
}

function fromRxnconso(file) {
  const pairs = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const f = line.split('|');
    // RXCUI|LAT|TS|LUI|STT|SUI|ISPREF|RXAUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF
    if (f.length < 17 || f[11] !== 'RXNORM' || !PRODUCT_TTYS.has(f[12]) || f[16] !== 'N') continue;
    pairs.push({ code: f[0], name: f[14] });
  }
  return pairs;
}

/** The sandbox's `cuiToName` map: `    403879: 'imatinib 400 MG Oral Tablet',` lines. */
function fromSandbox(file) {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('cuiToName');
  const end = text.indexOf('pillToComponentSets');
  if (start < 0 || end < 0) throw new Error(`${file}: no cuiToName map`);
  const pairs = [];
  for (const m of text.slice(start, end).matchAll(/^\s+(\d+): (['"])(.*)\2,?$/gm)) pairs.push({ code: m[1], name: m[3].replace(/\\(['"\\])/g, '$1') });
  return pairs;
}

function fromValueSets(dir) {
  const pairs = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const vs = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    if (vs.resourceType !== 'ValueSet') continue;
    for (const inc of vs.compose?.include ?? []) {
      if (inc.system !== RXNORM) continue;
      for (const c of inc.concept ?? []) if (c.code && c.display) pairs.push({ code: c.code, name: c.display });
    }
    for (const c of vs.expansion?.contains ?? []) if (c.system === RXNORM && c.code && c.display) pairs.push({ code: c.code, name: c.display });
  }
  return pairs;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const inputs = [];
  if (opts.rxnconso) inputs.push({ id: 'rxnorm', url: opts['rxnorm-url'] ?? opts.rxnconso, pairs: fromRxnconso(opts.rxnconso) });
  if (opts.sandbox) inputs.push({ id: 'cds-hooks-sandbox', url: opts['sandbox-url'] ?? opts.sandbox, pairs: fromSandbox(opts.sandbox) });
  if (opts.valuesets) inputs.push({ id: 'valuesets', url: opts['valuesets-url'] ?? opts.valuesets, pairs: fromValueSets(opts.valuesets) });
  if (inputs.length === 0) throw new Error('give at least one of --rxnconso, --sandbox, --valuesets');

  const { names, ingredientCodes } = drugNames();
  const products = {};
  for (const input of inputs) {
    for (const { code, name } of input.pairs) {
      if (!/^\d{1,10}$/.test(code) || ingredientCodes.has(code)) continue;
      const concepts = conceptsOf(name, names);
      if (concepts.length === 0) continue;
      const known = products[code];
      if (known) {
        if (!known.sources.includes(input.id)) known.sources.push(input.id);
        continue;
      }
      products[code] = { name, concepts, sources: [input.id] };
    }
  }
  const sorted = Object.fromEntries(Object.entries(products).sort(([a], [b]) => Number(a) - Number(b)));
  const covered = new Set(Object.values(sorted).flatMap((p) => p.concepts));
  const uncovered = [...new Set(names.map((n) => n.id))].filter((id) => !covered.has(id)).sort();
  const command = ['node scripts/rxnorm-products.mjs', ...process.argv.slice(2)].join(' ');
  const out = {
    $comment:
      'RxNorm product codes -> drug concepts of terminology/, generated by scripts/rxnorm-products.mjs (do not edit by hand). ' +
      'A product maps to the drugs its RxNorm name starts with. Drugs in "withoutProductCodes" have no product code in these ' +
      'sources: orders for them are recognised by their ingredient code or by name.',
    generated: date,
    command,
    sources: inputs.map(({ id, url, pairs }) => ({ id, url, retrieved: date, codesRead: pairs.length })),
    withoutProductCodes: uncovered,
    products: {},
  };
  // One product a line, so a regeneration reviews as a readable diff.
  const head = JSON.stringify(out, null, 1).replace(/\n "products": \{\}\n\}$/, '');
  const lines = Object.entries(sorted).map(([code, p]) => `  ${JSON.stringify(code)}: ${JSON.stringify(p)}`);
  const target = opts.out ?? join(ROOT, 'terminology', 'rxnorm-products.json');
  writeFileSync(target, `${head}\n "products": {\n${lines.join(',\n')}\n }\n}\n`);
  process.stdout.write(`${Object.keys(sorted).length} products for ${covered.size} drugs written to ${target}\n`);
}

main();
