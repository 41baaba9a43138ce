import { fishConceptsFromIscn } from './labs.js';

describe('fishConceptsFromIscn', () => {
  it('reads the B.3 example strings', () => {
    expect(fishConceptsFromIscn('ish del(17)(p13.1)(TP53x1)')).toEqual(['fish:del17p']);
    expect(fishConceptsFromIscn('nuc ish(TP53x1)[120/200]')).toEqual(['fish:del17p']);
    expect(fishConceptsFromIscn('t(4;14)(p16.3;q32.3)')).toEqual(['fish:t4-14']);
    expect(fishConceptsFromIscn('t(14;16)(q32.3;q23.1)')).toEqual(['fish:t14-16']);
    expect(fishConceptsFromIscn('t(14;20)(q32.3;q12)')).toEqual(['fish:t14-20']);
    expect(fishConceptsFromIscn('t(11;14)(q13;q32)')).toEqual(['fish:t11-14']);
    expect(fishConceptsFromIscn('ish (CKS1Bx3)')).toEqual(['fish:gain1q']);
    expect(fishConceptsFromIscn('ish (CKS1B x4)')).toEqual(['fish:amp1q']);
    expect(fishConceptsFromIscn('ish (CKS1Bx5)')).toEqual(['fish:amp1q']);
    expect(fishConceptsFromIscn('ish del(1)(p32.3)(CDKN2Cx1)')).toEqual(['fish:del1p32-mono']);
    expect(fishConceptsFromIscn('ish del(1)(p32.3)(CDKN2Cx0)')).toEqual(['fish:del1p32-bi']);
  });

  it('reads combined findings and ignores normal copy numbers', () => {
    expect(fishConceptsFromIscn('ish t(4;14)(p16.3;q32.3),(CKS1Bx3)').sort()).toEqual(['fish:gain1q', 'fish:t4-14']);
    expect(fishConceptsFromIscn('ish (CKS1Bx2),(TP53x2)')).toEqual([]);
    expect(fishConceptsFromIscn('ish (TP53x10)')).toEqual([]);
    expect(fishConceptsFromIscn('')).toEqual([]);
  });
});
