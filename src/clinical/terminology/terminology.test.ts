import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../../paths.js';
import { MYELOMA_SCOPE_CONCEPTS, loadTerminology, mergeTerminologyData, terminologyFromData } from './concepts.js';

const ATC = 'http://www.whocc.no/atc';
const NLK_URIS = [
  'urn:oid:2.16.578.1.12.4.1.1.7280',
  'http://ehelse.no/fhir/CodeSystem/no-kodeverk-7280-nlk',
  'http://helsedir.no/fhir/CodeSystem/no-kodeverk-7280-nlk',
];

function writeSiteFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'heme-terminology-'));
  const file = join(dir, 'site.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

function baseData(): Record<string, unknown> {
  return JSON.parse(readFileSync(fromRoot('terminology', 'concepts.json'), 'utf8')) as Record<string, unknown>;
}

describe('concepts.json', () => {
  const terminology = loadTerminology();

  it('holds the contract concept ids other modules use', () => {
    const ids = [
      'lab:b2m', 'lab:albumin', 'lab:creatinine', 'lab:egfr', 'lab:ld', 'lab:calcium', 'lab:calcium-corrected',
      'lab:calcium-ionized', 'lab:hb', 'lab:mprotein', 'lab:mprotein-urine-24h', 'lab:flc-kappa', 'lab:flc-lambda',
      'lab:flc-ratio', 'lab:bmpc', 'lab:mrd-flow', 'lab:blood-plasma-cells-pct', 'lab:blood-plasma-cells-abs', 'lab:igg',
      'lab:iga', 'lab:igm', 'lab:cd4', 'lab:neutrophils', 'lab:platelets', 'lab:wbc', 'lab:weight', 'lab:height', 'lab:bsa',
      'lab:ntprobnp', 'lab:alp', 'obs:pregnancy-status', 'obs:hcg', 'obs:breastfeeding-status', 'obs:genetic-variant',
      'obs:variant-iscn', 'obs:cmv-dna', 'obs:hbsag', 'obs:anti-hbc', 'obs:hbv-dna', 'obs:vzv-igg', 'answer:pregnant',
      'answer:breastfeeding', 'answer:present', 'answer:absent', 'fish:del17p', 'fish:mono17', 'fish:t4-14', 'fish:t14-16',
      'fish:t14-20', 'fish:t11-14', 'fish:gain1q', 'fish:amp1q', 'fish:del1p32-mono', 'fish:del1p32-bi', 'fish:tp53-mut',
      'drug:bortezomib', 'drug:valaciclovir', 'drug:aciclovir', 'drug:daratumumab', 'class:imid', 'class:proteasome-inhibitor',
      'class:cd38-antibody', 'class:bcma-directed', 'class:gprc5d-directed', 'class:bispecific', 'class:tki-cml',
      'class:alpha-interferon', 'class:antithrombotic', 'class:vzv-antiviral', 'cond:multiple-myeloma',
      'cond:plasma-cell-leukaemia', 'cond:extramedullary-plasmacytoma', 'cond:solitary-plasmacytoma-bone', 'cond:mgus',
      'cond:al-amyloidosis', 'cond:smouldering-myeloma', 'cond:cml', 'cond:pregnancy', 'cond:breastfeeding', 'cond:copd',
      'cond:asthma', 'cond:menopause', 'cond:hysterectomy', 'cond:oophorectomy-bilateral', 'proc:hsct', 'proc:stem-cell-apheresis',
    ];
    const missing = ids.filter((id) => !terminology.concept(id));
    expect(missing).toEqual([]);
    expect(terminology.concept('cond:myeloma-spectrum')).toBeUndefined();
    expect(MYELOMA_SCOPE_CONCEPTS.every((id) => terminology.concept(id)?.kind === 'condition')).toBe(true);
  });

  it('leaves UNVERIFIED codes out', () => {
    // 2118-8 and Z33 were verified since (issue 12, sources in the concepts' notes).
    expect(terminology.matchCoding('http://loinc.org', '2118-8')).toEqual(['obs:hcg']);
    expect(terminology.matchCoding('http://hl7.org/fhir/sid/icd-10', 'Z33')).toEqual(['cond:pregnancy']);
    expect(terminology.matchCoding('http://www.nlm.nih.gov/research/umls/rxnorm', '281')).toEqual([]);
    expect(terminology.codesFor('cond:smouldering-myeloma')).toEqual([{ system: 'urn:heme-cds:local', code: 'smouldering-myeloma' }]);
  });

  it('gives every drug in a class its class, and displays in both locales', () => {
    expect(terminology.concept('drug:teclistamab')?.classes).toEqual(['class:bcma-directed', 'class:bispecific']);
    expect(terminology.display('drug:valaciclovir', 'nb')).toBe('Valaciklovir');
    expect(terminology.display('drug:valaciclovir', 'en')).toBe('Valaciclovir');
    expect(terminology.display('no:such', 'en')).toBe('no:such');
    expect(terminology.conceptsOfKind('class')).toContain('class:tki-cml');
    expect(terminology.conceptsOfKind('drug').filter((id) => terminology.concept(id)?.classes?.includes('class:tki-cml'))).toHaveLength(6);
  });

  it('writes codes with the first URI of the alias group', () => {
    expect(terminology.codesFor('lab:b2m')).toEqual([
      { system: 'http://loinc.org', code: '1952-1' },
      { system: 'http://loinc.org', code: '76484-5' },
    ]);
    expect(terminology.codesFor('drug:bortezomib')).toContainEqual({ system: ATC, code: 'L01XG01' });
    expect(terminology.codesFor('cond:al-amyloidosis')).toContainEqual({ system: 'http://hl7.org/fhir/sid/icd-10', code: 'E85' });
    expect(terminology.codesFor('nope')).toEqual([]);
  });
});

describe('site file', () => {
  it('adds an NLK code to lab:b2m, matched under all three NLK URIs', () => {
    const site = writeSiteFile({ concepts: { 'lab:b2m': { codes: [{ system: 'nlk', code: 'NPU01573' }] } } });
    const terminology = loadTerminology(site);
    for (const uri of NLK_URIS) expect(terminology.matchCoding(uri, 'NPU01573')).toEqual(['lab:b2m']);
    expect(terminology.matchCoding('http://loinc.org', 'NPU01573')).toEqual([]);
  });

  it('resolves a full system URI to its alias group, keeps an unknown one as is, and defines new concepts', () => {
    const site = writeSiteFile({
      systems: { fest: ['urn:oid:2.16.578.1.12.4.1.1.7424'] },
      concepts: {
        'drug:bortezomib': { codes: [{ system: 'http://ehelse.no/fhir/CodeSystem/FEST', code: 'ID_BORT_1' }], text: ['velcade'] },
        'lab:cd34': { codes: [{ system: 'http://loinc.org', code: '42808-4' }] },
        'proc:stem-cell-apheresis': { codes: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.7275', code: 'FXYZ10' }] },
        'cond:pcl-secondary': { kind: 'condition', display: { nb: 'Sekundær PCL', en: 'Secondary PCL' }, codes: [{ system: 'local', code: 'pcl2' }] },
      },
    });
    const terminology = loadTerminology(site);
    expect(terminology.matchCoding('urn:oid:2.16.578.1.12.4.1.1.7424', 'ID_BORT_1')).toEqual(['drug:bortezomib', 'class:proteasome-inhibitor']);
    expect(terminology.matchCoding('http://loinc.org', '42808-4')).toEqual(['lab:cd34']);
    expect(terminology.matchCoding('urn:oid:2.16.578.1.12.4.1.1.7275', 'FXYZ10')).toEqual(['proc:stem-cell-apheresis']);
    expect(terminology.codesFor('proc:stem-cell-apheresis')).toContainEqual({ system: 'urn:oid:2.16.578.1.12.4.1.1.7275', code: 'FXYZ10' });
    expect(terminology.matchCoding('urn:heme-cds:local', 'pcl2')).toEqual(['cond:pcl-secondary']);
    expect(terminology.display('cond:pcl-secondary', 'en')).toBe('Secondary PCL');
    expect(terminology.matchCodeableConcept({ text: 'Velcade 3,5 mg' })).toEqual(['drug:bortezomib', 'class:proteasome-inhibitor']);
  });

  it('rejects a new concept without kind, an unknown class and a changed canonical unit', () => {
    expect(() => mergeTerminologyData(baseData(), { concepts: { 'lab:new-thing': { codes: [] } } })).toThrow(/needs "kind"/);
    expect(() =>
      mergeTerminologyData(baseData(), { concepts: { 'drug:x': { kind: 'drug', codes: [], classes: ['class:unknown'] } } }),
    ).toThrow(/class:unknown/);
    expect(() => mergeTerminologyData(baseData(), { concepts: { 'lab:hb': { canonicalUnit: 'g/L' } } })).toThrow(/canonicalUnit/);
    expect(() => mergeTerminologyData(baseData(), { concepts: { 'lab:hb': { codes: [{ system: 'nosuchalias', code: '1' }] } } })).toThrow(
      /unknown code system "nosuchalias"/,
    );
  });

  it('reports a missing or unparsable site file clearly', () => {
    expect(() => loadTerminology(join(tmpdir(), 'does-not-exist-heme.json'))).toThrow(/could not be read/);
    const dir = mkdtempSync(join(tmpdir(), 'heme-terminology-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ not json');
    expect(() => loadTerminology(broken)).toThrow(/not valid JSON/);
  });
});

describe('broken concepts.json', () => {
  it('throws listing every problem of the shape', () => {
    const data = baseData();
    const concepts = data.concepts as Record<string, Record<string, unknown>>;
    delete concepts['lab:b2m']?.display;
    (concepts['lab:hb'] as Record<string, unknown>).kind = 'vital';
    let message = '';
    try {
      terminologyFromData(data);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/terminology\/concepts\.json is invalid/);
    expect(message).toMatch(/lab:b2m.*display/);
    expect(message).toMatch(/lab:hb\/kind/);
  });

  it('throws on a kind that does not fit the id prefix and on a non-object', () => {
    const data = baseData();
    (data.concepts as Record<string, Record<string, unknown>>)['lab:hb']!.kind = 'drug';
    expect(() => terminologyFromData(data)).toThrow(/does not fit the id prefix/);
    expect(() => terminologyFromData([])).toThrow(/is invalid/);
    expect(() => terminologyFromData({ systems: {} })).toThrow(/concepts/);
  });
});

describe('terminology area files', () => {
  const main = {
    systems: { loinc: ['http://loinc.org'] },
    concepts: { 'lab:albumin': { kind: 'lab', display: { nb: 'Albumin', en: 'Albumin' }, codes: [{ system: 'loinc', code: '1751-7' }], canonicalUnit: 'g/L' } },
  };
  const area = {
    systems: { sct: ['http://snomed.info/sct'] },
    concepts: { 'cond:cml': { kind: 'condition', display: { nb: 'KML', en: 'CML' }, codes: [{ system: 'sct', code: '92818009' }] } },
  };
  function dirWith(files: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'heme-term-'));
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(data));
    return dir;
  }

  it('merges concepts.<area>.json files into the shipped terminology', () => {
    const t = loadTerminology(undefined, dirWith({ 'concepts.json': main, 'concepts.cml.json': area, 'notes.json': { ignored: true } }));
    expect(t.matchCodeableConcept({ coding: [{ system: 'http://snomed.info/sct', code: '92818009' }] })).toEqual(['cond:cml']);
    expect(t.matchCodeableConcept({ coding: [{ system: 'http://loinc.org', code: '1751-7' }] })).toEqual(['lab:albumin']);
  });

  it('refuses an area file that redefines a concept or a system alias', () => {
    const dup = { systems: { loinc: ['http://loinc.org'] }, concepts: { 'lab:albumin': main.concepts['lab:albumin'] } };
    expect(() => loadTerminology(undefined, dirWith({ 'concepts.json': main, 'concepts.dup.json': dup }))).toThrow(
      /system alias "loinc" is already defined[\s\S]*concept "lab:albumin" is already defined/,
    );
  });
});
