import { readFileSync } from 'node:fs';
import { fromRoot } from '../../paths.js';
import { loadTerminology } from '../terminology/concepts.js';
import { productTableFromData } from '../terminology/products.js';
import { matchMedicationConcept } from './medication-concepts.js';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ATC = 'http://www.whocc.no/atc';
const terminology = loadTerminology();
const match = (cc: unknown) => matchMedicationConcept(cc, terminology);

describe('medication concepts: RxNorm products and names', () => {
  it('resolves the sandbox imatinib product 403879 to the ingredient, by code', () => {
    // As the CDS Hooks sandbox sends it (docs/research: reference client).
    const cc = { text: 'imatinib 400 MG Oral Tablet', coding: [{ display: 'imatinib 400 MG Oral Tablet', system: RXNORM, code: '403879' }] };
    expect(match(cc)).toEqual({ concepts: expect.arrayContaining(['drug:imatinib', 'class:tki-cml']) as unknown, byName: false });
    // The branded drug and a form group resolve too, and the system URI may carry a trailing slash.
    expect(match({ coding: [{ system: `${RXNORM}/`, code: '404589' }] }).concepts).toContain('drug:imatinib');
    expect(match({ coding: [{ system: RXNORM, code: '1160680' }] }).concepts).toContain('drug:imatinib');
  });

  it('resolves injectable products from the CIBMTR value sets (bortezomib 402244, daratumumab)', () => {
    expect(match({ coding: [{ system: RXNORM, code: '402244' }] })).toEqual({ concepts: expect.arrayContaining(['drug:bortezomib', 'class:proteasome-inhibitor']) as unknown, byName: false });
    expect(match({ coding: [{ system: RXNORM, code: '1721951' }] }).concepts).toContain('drug:daratumumab');
  });

  it('falls back to the ingredient name of an unknown RxNorm code, and says so', () => {
    const cc = { coding: [{ system: RXNORM, code: '999999901', display: 'imatinib 400 MG Oral Tablet' }] };
    // The matcher alone is silent here: imatinib has an RxNorm code, so its name was not read.
    expect(terminology.matchCodeableConcept(cc)).not.toContain('drug:imatinib');
    expect(match(cc)).toEqual({ concepts: expect.arrayContaining(['drug:imatinib', 'class:tki-cml']) as unknown, byName: true });
  });

  it('falls back to names for an unknown code in any system, and for text-only concepts', () => {
    expect(match({ coding: [{ system: ATC, code: 'L01XX99' }], text: 'Imatinib Accord 400 mg' })).toMatchObject({ byName: true });
    expect(match({ coding: [{ system: 'urn:oid:1.2.3.4', code: '77' }], text: 'Imatinib' }).concepts).toContain('drug:imatinib');
    expect(match({ text: 'imatinib' })).toMatchObject({ byName: true });
  });

  it('a known code decides: no name fallback, no "by name" flag', () => {
    expect(match({ coding: [{ system: ATC, code: 'L01EA01' }], text: 'Imatinib' })).toEqual({ concepts: expect.arrayContaining(['drug:imatinib']) as unknown, byName: false });
    expect(match({ coding: [{ system: RXNORM, code: '282388' }] })).toMatchObject({ byName: false });
  });

  it('recognises nothing in a concept that names no drug in scope', () => {
    expect(match({ coding: [{ system: RXNORM, code: '999999901', display: 'Ibuprofen 400 MG Oral Tablet' }] })).toEqual({ concepts: [], byName: false });
    expect(match(undefined)).toEqual({ concepts: [], byName: false });
  });
});

describe('terminology/rxnorm-products.json', () => {
  const file = JSON.parse(readFileSync(fromRoot('terminology', 'rxnorm-products.json'), 'utf8')) as {
    generated: string;
    sources: { id: string; url: string; retrieved: string }[];
    products: Record<string, { name: string; concepts: string[]; sources: string[] }>;
  };

  it('names its public sources (pinned to a commit) and its date, and maps every code to known drugs', () => {
    expect(file.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const source of file.sources) expect(source.url).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/(blob|tree)\/[0-9a-f]{40}\//);
    const table = productTableFromData(file, (id) => terminology.concept(id)?.kind === 'drug');
    expect(table.size).toBeGreaterThan(2000);
  });

  it('covers the oral drugs the sandbox offers among the drugs in scope', () => {
    const covered = new Set(Object.values(file.products).flatMap((p) => p.concepts));
    for (const id of ['drug:imatinib', 'drug:dasatinib', 'drug:nilotinib', 'drug:bosutinib', 'drug:ponatinib', 'drug:lenalidomide', 'drug:pomalidomide', 'drug:thalidomide', 'drug:valaciclovir', 'drug:bortezomib', 'drug:daratumumab', 'drug:carfilzomib']) {
      expect(covered).toContain(id);
    }
  });

  it('refuses a table naming an unknown concept or an unlisted source', () => {
    const bad = { ...file, products: { '1': { name: 'x', concepts: ['drug:nope'], sources: ['elsewhere'] } } };
    expect(() => productTableFromData(bad, (id) => terminology.concept(id)?.kind === 'drug')).toThrow(/unknown concept drug:nope[\s\S]*source elsewhere/);
  });
});
