import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTerminology } from '../clinical/terminology/concepts.js';
import { fromRoot } from '../paths.js';
import { checkSiteFile } from './terminology-diff.js';

const EXAMPLE = fromRoot('terminology', 'examples', 'site-hospital-example.json');
const HOSPITAL = 'http://sykehus.example.no/fhir/CodeSystem/prosedyrekoder';

function siteFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'heme-site-')), 'site.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('terminology:check', () => {
  it('accepts the README example and says it adds the hospital harvest code to stem-cell apheresis', () => {
    const result = checkSiteFile(EXAMPLE);
    expect(result.ok).toBe(true);
    expect(result.additions).toEqual([
      `system example-hospital-procedure: ${HOSPITAL}`,
      'extends proc:stem-cell-apheresis (Stem-cell apheresis): + code example-hospital-procedure|HEM-0417',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('the example makes a harvest order coded the hospital way match stem-cell apheresis', () => {
    expect(loadTerminology().matchCoding(HOSPITAL, 'HEM-0417')).toEqual([]);
    expect(loadTerminology(EXAMPLE).matchCoding(HOSPITAL, 'HEM-0417')).toContain('proc:stem-cell-apheresis');
  });

  it('reports a file the service would refuse, with the reason', () => {
    const result = checkSiteFile(siteFile({ concepts: { 'proc:new-thing': { codes: [{ system: 'sct', code: '1' }] } } }));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/proc:new-thing: a new concept needs "kind"/);
    expect(checkSiteFile(siteFile('{not json')).ok).toBe(false);
  });

  it('describes a new concept and warns about a code that already means another concept', () => {
    const result = checkSiteFile(
      siteFile({
        concepts: {
          'proc:bone-marrow-biopsy-site': { kind: 'procedure', display: { nb: 'Benmargsbiopsi', en: 'Bone marrow biopsy' }, codes: [{ system: 'local', code: 'bmb' }] },
          'proc:stem-cell-apheresis': { codes: [{ system: 'local', code: 'hmas' }] },
        },
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.additions).toContain('new procedure concept proc:bone-marrow-biopsy-site (Bone marrow biopsy): code local|bmb');
    expect(result.warnings).toContain('proc:stem-cell-apheresis: local|hmas also means proc:hmas');
  });
});
