import {
  breastfeedingEvidence,
  focusDrafts,
  lactationReading,
  monthsBefore,
  pregnancyEvidence,
  pregnancyReading,
  recentDelivery,
  TKI_CONCEPTS,
  warningOnSign,
} from './context.js';
import { codedByConcept, coded, condition, draftOrder, NOW, procedure, snapshot } from '../support/snapshot-factory.test-support.js';

describe('cml-pregnancy-context', () => {
  it('monthsBefore clamps to the month end', () => {
    expect(monthsBefore(new Date('2025-03-31T10:00:00Z'), 1).toISOString()).toBe('2025-02-28T10:00:00.000Z');
    expect(monthsBefore(new Date('2025-06-01T10:00:00Z'), 12).toISOString()).toBe('2024-06-01T10:00:00.000Z');
  });

  it('pregnancy evidence: only the newest status counts, within 30 calendar days; resolved conditions do not', () => {
    const s = snapshot({
      codedObservations: codedByConcept(
        coded('obs:pregnancy-status', ['answer:not-pregnant'], '2025-05-30', 'new'),
        coded('obs:pregnancy-status', ['answer:pregnant'], '2025-05-20', 'old'),
        coded('obs:hcg', ['answer:positive'], '2025-05-02', 'h30'),
        coded('obs:hcg', ['answer:positive'], '2025-05-01', 'h31'),
      ),
      conditions: [condition('cond:pregnancy', { id: 'p1', clinicalStatus: 'resolved' })],
    });
    expect(pregnancyEvidence(s, NOW).map((v) => v.source?.id)).toEqual(['h30']);
  });

  it('breastfeeding evidence from a status or an active condition', () => {
    const s = snapshot({
      codedObservations: codedByConcept(coded('obs:breastfeeding-status', ['answer:present'], '2025-05-30', 'bf')),
      conditions: [condition('cond:breastfeeding', { id: 'c' })],
    });
    expect(breastfeedingEvidence(s, NOW).map((v) => v.concept)).toEqual(['status-breastfeeding', 'cond:breastfeeding']);
  });

  it('recent delivery ignores future and older deliveries and picks the newest', () => {
    const s = snapshot({
      procedures: [
        procedure('proc:delivery', { id: 'future', date: '2025-07-01' }),
        procedure('proc:delivery', { id: 'a', date: '2024-09-01' }),
        procedure('proc:delivery', { id: 'b', date: '2025-01-01' }),
        procedure('proc:delivery', { id: 'sr', date: '2025-02-01', source: 'ServiceRequest' }),
      ],
    });
    expect(recentDelivery(s, NOW)?.ref).toBe('Procedure/b');
  });

  it('readings map the snapshot status to fired / MD-warn / nothing', () => {
    expect(pregnancyReading(snapshot({ pregnancy: 'not-pregnant' }), NOW)).toEqual({ kind: 'none' });
    expect(pregnancyReading(snapshot({ pregnancy: 'unknown' }), NOW)).toEqual({ kind: 'unknown', missing: ['obs:pregnancy-status'] });
    expect(lactationReading(snapshot({ breastfeeding: 'unknown' }), NOW)).toEqual({ kind: 'none' });
    expect(lactationReading(snapshot({ breastfeeding: 'breastfeeding' }), NOW).kind).toBe('breastfeeding');
  });

  it('focus drafts: selected only, one per ref; indicator downgrade on order-select', () => {
    const tki = { display: 'Bosutinib', concepts: ['drug:bosutinib', 'class:tki-cml'] };
    const s = snapshot({ draftOrders: [draftOrder(tki, { id: 'x' }), draftOrder(tki, { id: 'x' }), draftOrder(tki, { id: 'y', inFocus: false })] });
    expect(focusDrafts(s, TKI_CONCEPTS).map((d) => d.ref)).toEqual(['MedicationRequest/x']);
    expect(warningOnSign('order-select')).toBe('info');
    expect(warningOnSign('order-sign')).toBe('warning');
  });
});
