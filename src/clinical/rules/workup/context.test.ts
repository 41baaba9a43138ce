import { codedByConcept, coded, daysFrom, draftProcedure, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { everPositive, examinationSince, involvedChain, isotypeText, latestFlag, readIsotype, resultSince } from './context.js';

const NOW = new Date('2025-06-01T10:00:00Z');

describe('workup-records', () => {
  it('readIsotype joins heavy and light chain reported the same day, ignores older and future typings', () => {
    const s = snapshot({
      codedObservations: codedByConcept(
        coded('obs:mprotein-isotype', ['answer:isotype-iga'], '2025-05-01T08:00:00Z'),
        coded('obs:mprotein-isotype', ['answer:isotype-lambda'], '2025-05-01T09:00:00Z'),
        coded('obs:mprotein-isotype', ['answer:isotype-igg', 'answer:isotype-kappa'], '2024-01-01T00:00:00Z'),
        coded('obs:mprotein-isotype', ['answer:isotype-igm'], '2025-07-01T00:00:00Z'),
      ),
    });
    const i = readIsotype(s, NOW);
    expect(i && isotypeText(i)).toBe('IgA lambda');
    expect(involvedChain(i)).toBe('lambda');
    expect(readIsotype(snapshot(), NOW)).toBeUndefined();
    expect(readIsotype(snapshot({ codedObservations: codedByConcept(coded('obs:mprotein-isotype', ['answer:present'], '2025-05-01')) }), NOW)).toBeUndefined();
  });

  it('involvedChain: none or biclonal -> undefined', () => {
    expect(involvedChain(undefined)).toBeUndefined();
    expect(involvedChain({ heavy: ['IgG'], light: ['kappa', 'lambda'], observations: [] })).toBeUndefined();
  });

  it('latestFlag takes the newest answer; everPositive lets a positive win', () => {
    const s = snapshot({
      codedObservations: codedByConcept(coded('x', ['answer:positive'], daysFrom(NOW, -10)), coded('x', ['answer:negative'], daysFrom(NOW, -1)), coded('x', [], daysFrom(NOW, 0))),
    });
    expect(latestFlag(s, 'x', NOW)?.value).toBe(false);
    expect(everPositive(s, 'x', NOW)?.value).toBe(true);
    expect(latestFlag(s, 'y', NOW)).toBeUndefined();
  });

  it('examinationSince: done, ordered or drafted since a date; not-done, revoked and undated procedures do not count', () => {
    const from = daysFrom(NOW, -30);
    const c = ['proc:wb-mri'];
    expect(examinationSince(snapshot({ procedures: [procedure('proc:wb-mri', { date: daysFrom(NOW, -5) })] }), c, from, NOW)).toBeDefined();
    expect(examinationSince(snapshot({ procedures: [procedure('proc:wb-mri', { date: daysFrom(NOW, -31) })] }), c, from, NOW)).toBeUndefined();
    expect(examinationSince(snapshot({ procedures: [procedure('proc:wb-mri')] }), c, from, NOW)).toBeUndefined();
    expect(examinationSince(snapshot({ procedures: [procedure('proc:wb-mri', { source: 'ServiceRequest' })] }), c, from, NOW)).toBeDefined();
    expect(examinationSince(snapshot({ procedures: [procedure('proc:wb-mri', { source: 'ServiceRequest', status: 'revoked' })] }), c, from, NOW)).toBeUndefined();
    expect(examinationSince(snapshot({ procedures: [procedure('proc:wb-mri', { status: 'not-done', date: NOW })] }), c, from, NOW)).toBeUndefined();
    expect(examinationSince(snapshot({ draftOrders: [draftProcedure('proc:wb-mri')] }), c, from, NOW)).toBeDefined();
    const newest = examinationSince(snapshot({ procedures: [procedure('proc:wb-mri', { date: daysFrom(NOW, -20), id: 'a' }), procedure('proc:wb-mri', { date: daysFrom(NOW, -2), id: 'b' })] }), c, undefined, NOW);
    expect(newest?.ref).toBe('Procedure/b');
  });

  it('resultSince: an answered observation of any concept since the date', () => {
    const s = snapshot({ codedObservations: codedByConcept(coded('obs:hcv-ab', ['answer:negative'], daysFrom(NOW, -10)), coded('obs:hiv-agab', [], daysFrom(NOW, -1))) });
    expect(resultSince(s, ['obs:hiv-agab', 'obs:hcv-ab'], daysFrom(NOW, -30), NOW)?.concept).toBe('obs:hcv-ab');
    expect(resultSince(s, ['obs:hcv-ab'], daysFrom(NOW, -5), NOW)).toBeUndefined();
  });
});
