import { BASELINE_WINDOW_DAYS, baselineState } from './baseline.js';
import { NOW, condition, daysFrom, medication, snapshot } from './rules/support/snapshot-factory.test-support.js';

describe('baselineState (can data of the time of diagnosis still be taken?)', () => {
  const myeloma = (days: number) => condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -days) });

  it('is open up to 60 days after the diagnosis, closed the day after (no treatment)', () => {
    expect(BASELINE_WINDOW_DAYS).toBe(60);
    expect(baselineState(snapshot({ conditions: [myeloma(BASELINE_WINDOW_DAYS)] }), NOW)).toBe('open');
    expect(baselineState(snapshot({ conditions: [myeloma(BASELINE_WINDOW_DAYS + 1)] }), NOW)).toBe('closed-time');
  });

  it('closes once anti-myeloma therapy was given or prescribed, whatever the diagnosis date', () => {
    const given = medication('bortezomib', { source: 'MedicationAdministration', occurredAt: daysFrom(NOW, -1) });
    expect(baselineState(snapshot({ conditions: [myeloma(5)], administrations: [given] }), NOW)).toBe('closed-therapy');
  });

  it('stays open for a draft order (not yet treatment) and when no diagnosis date is known', () => {
    const draft = medication('bortezomib', { source: 'draft' });
    expect(baselineState(snapshot({ conditions: [myeloma(5)], medications: [draft] }), NOW)).toBe('open');
    expect(baselineState(snapshot({ conditions: [condition('cond:multiple-myeloma')] }), NOW)).toBe('open');
  });
});
