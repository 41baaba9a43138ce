import { loadTerminology } from './concepts.js';
import { normaliseSystemUri } from './matcher.js';
import { MAX_CODE_LENGTH, MAX_CODINGS, MAX_SYSTEM_LENGTH, MAX_TEXT_LENGTH } from './matcher.js';

const terminology = loadTerminology();

const ATC = 'http://www.whocc.no/atc';
const ATC_OID = 'urn:oid:2.16.578.1.12.4.1.1.7180';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const ICD10_NO = 'urn:oid:2.16.578.1.12.4.1.1.7110';

describe('matchCodeableConcept: medications', () => {
  it('matches ATC under both system URIs, with the drug class', () => {
    for (const system of [ATC, ATC_OID]) {
      expect(terminology.matchCodeableConcept({ coding: [{ system, code: 'L01XG01' }] })).toEqual([
        'drug:bortezomib',
        'class:proteasome-inhibitor',
      ]);
    }
    // The former ATC code and lower case still name bortezomib.
    expect(terminology.matchCodeableConcept({ coding: [{ system: ATC, code: 'l01xx32' }] })).toContain('drug:bortezomib');
  });

  it('matches RxNorm only', () => {
    expect(terminology.matchCodeableConcept({ coding: [{ system: RXNORM, code: '2372199' }] })).toEqual([
      'drug:daratumumab',
      'class:cd38-antibody',
    ]);
  });

  it('falls back to whole-word INN text when nothing is coded', () => {
    expect(terminology.matchCodeableConcept({ text: 'VALACYCLOVIR tablett 500 mg' })).toEqual(['drug:valaciclovir', 'class:vzv-antiviral']);
    expect(terminology.matchCodeableConcept({ text: 'Aciklovir 800 mg x 2' })).toEqual(['drug:aciclovir', 'class:vzv-antiviral']);
    // A coding's display counts as text too.
    expect(terminology.matchCodeableConcept({ coding: [{ display: 'Teclistamab 10 mg/ml' }] })).toEqual([
      'drug:teclistamab',
      'class:bcma-directed',
      'class:bispecific',
    ]);
  });

  it('needs whole words and prefers the longer name', () => {
    expect(terminology.matchCodeableConcept({ text: 'Ropeginterferon alfa-2b 250 mikrog' })).toEqual([
      'drug:ropeginterferon-alfa-2b',
      'class:alpha-interferon',
    ]);
    expect(terminology.matchCodeableConcept({ text: 'melphalan flufenamide' })).toEqual(['drug:melphalan-flufenamide']);
    expect(terminology.matchCodeableConcept({ text: 'antibortezomibodies' })).toEqual([]);
  });

  it('does not use the text when the drug is coded in one of its systems', () => {
    // An ATC code we do not know, with a misleading text: the code decides.
    expect(terminology.matchCodeableConcept({ coding: [{ system: ATC, code: 'A02BC01' }], text: 'bortezomib' })).toEqual([]);
    // Text fallback still works when the only coding is in a system the drug has no code in.
    expect(
      terminology.matchCodeableConcept({ coding: [{ system: 'http://ehelse.no/fhir/CodeSystem/FEST', code: 'X123' }], text: 'Lenalidomid 25 mg' }),
    ).toEqual(['drug:lenalidomide', 'class:imid']);
  });

  it('never gives non-drug concepts from text', () => {
    expect(terminology.matchCodeableConcept({ text: 'Multiple myeloma' })).toEqual([]);
    expect(terminology.matchCodeableConcept({ text: 'Hemoglobin' })).toEqual([]);
  });

  it('checks every coding: a known code after one in an unknown system still matches', () => {
    const cc = {
      coding: [
        { system: 'urn:oid:1.2.3.4.5', code: '99999' },
        { system: 'http://loinc.org', code: '1952-1' },
      ],
    };
    expect(terminology.matchCodeableConcept(cc)).toEqual(['lab:b2m']);
  });

  it('survives junk', () => {
    for (const junk of [undefined, null, 5, 'text', [], { coding: 'x' }, { coding: [null, 1, { system: 5, code: {} }] }, { text: 7 }]) {
      expect(terminology.matchCodeableConcept(junk)).toEqual([]);
    }
    expect(terminology.matchCoding(undefined, '1952-1')).toEqual([]);
  });
});

describe('matchCodeableConcept: ICD-10', () => {
  it('matches with and without the dot, in either ICD-10 system, and in lower case', () => {
    for (const system of [ICD10, ICD10_NO]) {
      expect(terminology.matchCoding(system, 'C90.0')).toEqual(['cond:multiple-myeloma']);
      expect(terminology.matchCoding(system, 'C900')).toEqual(['cond:multiple-myeloma']);
      expect(terminology.matchCoding(system, 'd47.2')).toEqual(['cond:mgus']);
    }
  });

  it('matches sub-codes of a prefix code', () => {
    expect(terminology.matchCoding(ICD10, 'E85.81')).toEqual(['cond:al-amyloidosis']);
    expect(terminology.matchCoding(ICD10, 'E8581')).toEqual(['cond:al-amyloidosis']);
    expect(terminology.matchCoding(ICD10, 'E85')).toEqual(['cond:al-amyloidosis']);
    expect(terminology.matchCoding(ICD10, 'C92.10')).toEqual(['cond:cml']);
    expect(terminology.matchCoding(ICD10, 'E84.0')).toEqual([]);
    expect(terminology.matchCoding(ICD10, 'C9')).toEqual([]);
  });

  it('keeps SNOMED exact', () => {
    expect(terminology.matchCodeableConcept({ coding: [{ system: 'http://snomed.info/sct', code: '109989006' }] })).toEqual([
      'cond:multiple-myeloma',
    ]);
    expect(terminology.matchCoding('http://snomed.info/sct', '10998900')).toEqual([]);
  });
});

describe('memoised matching', () => {
  it('gives the same concepts for a repeated CodeableConcept, and a caller cannot change what the next one gets', () => {
    const cc = { coding: [{ system: 'http://loinc.org', code: '1952-1' }], text: 'S-beta-2-mikroglobulin' };
    const first = terminology.matchCodeableConcept(cc);
    expect(first).toContain('lab:b2m');
    // Shared between calls, so frozen: a push throws instead of changing the next caller's list.
    expect(() => (first as string[]).push('tampered')).toThrow(TypeError);
    expect(terminology.matchCodeableConcept({ ...cc })).toEqual(first);
    // The same for the one-coding form, which is memoised apart.
    const one = terminology.matchCodeableConcept({ coding: [{ system: 'http://loinc.org', code: '1952-1' }] });
    expect(one).toContain('lab:b2m');
    expect(Object.isFrozen(one)).toBe(true);
    expect(terminology.matchCodeableConcept({ coding: [{ system: 'http://loinc.org', code: '1952-1' }] })).toBe(one);
  });

  it('stays right after the memo fills up with codes a client made up (it is emptied, not grown)', () => {
    for (let i = 0; i < 6000; i++) expect(terminology.matchCodeableConcept({ coding: [{ system: 'urn:x-made-up', code: String(i) }] })).toEqual([]);
    for (let i = 0; i < 6000; i++) expect(terminology.matchCodeableConcept({ text: `made up ${i}`, coding: [{ system: 'urn:x-made-up', code: String(i) }] })).toEqual([]);
    expect(terminology.matchCodeableConcept({ coding: [{ system: 'http://loinc.org', code: '1952-1' }] })).toContain('lab:b2m');
    expect(terminology.matchCodeableConcept({ coding: [{ system: 'http://loinc.org', code: '1952-1' }], text: 'b2m' })).toContain('lab:b2m');
  });

  it('matches afresh when the codings differ only in a display text that names a drug', () => {
    const coded = { coding: [{ system: 'urn:x-local', code: '1', display: 'x' }] };
    const named = { coding: [{ system: 'urn:x-local', code: '1', display: 'bortezomib' }] };
    expect(terminology.matchCodeableConcept(coded)).toEqual([]);
    expect(terminology.matchCodeableConcept(named)).toContain('drug:bortezomib');
  });
});

describe('bounded work on hostile strings (issue 13 item 1)', () => {
  it('normalises a system of 100,000 slashes in linear time', () => {
    const t0 = performance.now();
    expect(normaliseSystemUri(`http:${'/'.repeat(100_000)}x`)).toMatch(/x$/);
    expect(normaliseSystemUri(`http://loinc.org${'/'.repeat(100_000)}`)).toBe('http://loinc.org');
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('matches a name repeated 50,000 times quickly, and still prefers the longer name', () => {
    const t0 = performance.now();
    expect(terminology.matchCodeableConcept({ text: 'bortezomib '.repeat(50_000) })).toEqual(['drug:bortezomib', 'class:proteasome-inhibitor']);
    expect(terminology.matchCodeableConcept({ text: 'melphalan flufenamide '.repeat(20_000) })).toEqual(['drug:melphalan-flufenamide']);
    expect(performance.now() - t0).toBeLessThan(200);
    // Both drugs named separately are both found.
    expect(terminology.matchCodeableConcept({ text: 'melphalan flufenamide, melphalan' })).toEqual(
      expect.arrayContaining(['drug:melphalan-flufenamide', 'drug:melphalan']),
    );
  });

  it('reads drug names only in the first MAX_TEXT_LENGTH characters of a text', () => {
    const pad = 'x'.repeat(MAX_TEXT_LENGTH - 'bortezomib'.length - 1);
    expect(terminology.matchCodeableConcept({ text: `${pad} bortezomib` })).toContain('drug:bortezomib');
    expect(terminology.matchCodeableConcept({ text: `${pad}  bortezomib` })).toEqual([]);
  });

  it('a code longer than MAX_CODE_LENGTH or a system longer than MAX_SYSTEM_LENGTH matches nothing', () => {
    expect(terminology.matchCodeableConcept({ coding: [{ system: ICD10, code: `C90${'0'.repeat(MAX_CODE_LENGTH)}` }] })).toEqual([]);
    expect(terminology.matchCodeableConcept({ coding: [{ system: ICD10, code: `C90${'0'.repeat(MAX_CODE_LENGTH - 3)}` }] })).toContain(
      'cond:multiple-myeloma',
    );
    expect(terminology.matchCoding(`${ATC}${'/'.repeat(MAX_SYSTEM_LENGTH)}`, 'L01XG01')).toEqual([]);
    expect(terminology.matchCoding(`${ATC}${'/'.repeat(MAX_SYSTEM_LENGTH - ATC.length)}`, 'L01XG01')).toContain('drug:bortezomib');
  });

  it('reads at most MAX_CODINGS codings of one concept', () => {
    const filler = Array.from({ length: MAX_CODINGS - 1 }, (_, i) => ({ system: 'http://example.org', code: String(i) }));
    expect(terminology.matchCodeableConcept({ coding: [...filler, { system: ATC, code: 'L01XG01' }] })).toContain('drug:bortezomib');
    expect(terminology.matchCodeableConcept({ coding: [...filler, { system: ATC, code: 'X' }, { system: ATC, code: 'L01XG01' }] })).toEqual([]);
  });
});
