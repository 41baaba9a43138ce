import type { Finding, Indicator } from '../clinical/types.js';
import { planCards, planCodes, type CardGroup } from './merge.js';

// Sidebar grouping (contract item 9): treatment-pathway info findings share one card per chart,
// prophylaxis and vaccination one card, and warnings or criticals are never merged.
function group(ruleId: string, area: string, indicator: Indicator = 'info', outcome: Finding['outcome'] = 'fired'): CardGroup {
  const finding: Finding = { ruleId, outcome, subject: 'patient', variant: 'default', params: {}, values: [], missing: [] };
  return {
    finding,
    indicator,
    template: { ruleId, title: { nb: ruleId, en: ruleId }, outcomes: {}, area },
    outcome: { indicator, variants: {} },
  };
}

const open = { baselineClosed: false };

test('treatment-pathway info findings of several areas are one treatment card, in finding order', () => {
  const plans = planCards(
    [group('hmas-candidacy-age', 'first-line'), group('line2-regimen', 'relapse'), group('cart-blood-smear', 'car-t', 'info', 'not-evaluable'), group('cml-phase-and-tki-start', 'cml-pregnancy')],
    open,
  );
  expect(plans.map(planCodes)).toEqual([['hmas-candidacy-age', 'line2-regimen', 'cart-blood-smear.not-evaluable', 'cml-phase-and-tki-start']]);
});

test('prophylaxis and vaccination info findings are one infection-prevention card; other areas keep theirs', () => {
  const plans = planCards([group('ivig-substitution', 'prophylaxis'), group('anaemia-workup', 'bone'), group('vaccine-cart', 'vaccination'), group('mgus-followup', 'followup')], open);
  expect(plans.map(planCodes)).toEqual([['ivig-substitution', 'vaccine-cart'], ['anaemia-workup'], ['mgus-followup']]);
});

test('warnings and criticals of those areas keep a card of their own, before the info cards', () => {
  const plans = planCards(
    [group('allo-sct-eligibility', 'first-line'), group('primary-refractory', 'first-line', 'warning'), group('vzv-prophylaxis', 'prophylaxis', 'critical'), group('hmas-candidacy-age', 'first-line')],
    open,
  );
  expect(plans.map((p) => [p.kind, planCodes(p)])).toEqual([
    ['single', ['vzv-prophylaxis']],
    ['single', ['primary-refractory']],
    ['merged', ['allo-sct-eligibility', 'hmas-candidacy-age']],
  ]);
});
