import { fixtureSnapshot } from '../clinical/rules/support/fixture-snapshot.test-support.js';
import { ruleById } from '../clinical/rules/index.js';
test('dbg', () => {
  for (const now of [new Date('2026-11-22T10:00:00Z'), new Date('2026-12-08T00:30:00Z')]) {
    const snap = fixtureSnapshot('pat-mgus', now);
    const f = ruleById.get('classify-mgus')!.evaluate(snap, { now, hook: 'patient-view' });
    console.log(now.toISOString(), JSON.stringify(f.map((x) => [x.outcome, x.missing, x.params])), snap.ageYears, Object.keys(snap.labs).join(','));
  }
});
