import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fromRoot } from '../../paths.js';
import * as daraGap from './first-line/dara-apheresis-4-week-gap.js';
import * as dexamethasone from './first-line/dose-dexamethasone-age.js';
import * as lenalidomide from './first-line/dose-lenalidomide-renal.js';
import * as melphalan from './first-line/dose-melphalan-hmas.js';
import { DOSING_LAB_WINDOW_DAYS } from './first-line/context.js';
import * as belantamab from './relapse/belantamab-eye-safety.js';
import * as crs from './relapse/bispecific-no-dose-during-crs.js';
import * as infection from './relapse/bispecific-no-start-during-infection.js';
import * as premedication from './relapse/bispecific-premedication.js';
import * as vaccination from './relapse/bispecific-vaccination-timing.js';

// Thresholds are stated once: a rule's constant decides, and its card file words it. Each row names
// the numbers a card quotes with a unit (a regular expression with the number as its group, over
// every text of the card in both languages, the seed citation left out) and the constants they must
// equal. Change a constant and this fails until the card says the same; a card that quotes another
// number with that unit fails too.

type Quoted = { rule: string; what: string; pattern: RegExp; constants: number[] };

const HOURS = /(\d+)\s?(?:t|h|timer|hours)\b/g;
const DAYS = /(\d+)\s?(?:dager|days)\b/g;

const quoted: Quoted[] = [
  { rule: melphalan.RULE_ID, what: 'hours to reinfusion', pattern: HOURS, constants: [melphalan.MIN_HOURS_TO_REINFUSION] },
  { rule: melphalan.RULE_ID, what: 'eGFR limit', pattern: /eGFR[^0-9<≥]{0,12}[<≥]\s?(\d+)/g, constants: [melphalan.EGFR_REDUCE_BELOW] },
  { rule: melphalan.RULE_ID, what: 'dosing lab window', pattern: DAYS, constants: [DOSING_LAB_WINDOW_DAYS] },
  { rule: lenalidomide.RULE_ID, what: 'eGFR limit', pattern: /eGFR[^0-9<≥]{0,12}[<≥]\s?(\d+)/g, constants: [lenalidomide.EGFR_REDUCE_BELOW] },
  { rule: lenalidomide.RULE_ID, what: 'dosing lab window', pattern: DAYS, constants: [DOSING_LAB_WINDOW_DAYS] },
  { rule: daraGap.RULE_ID, what: 'gap before apheresis', pattern: /(\d+)\s?(?:dager|days|uker|weeks)\b/g, constants: [daraGap.MIN_GAP_DAYS, daraGap.MIN_GAP_DAYS / 7] },
  { rule: dexamethasone.RULE_ID, what: 'age limit', pattern: /(\d+)\s?(?:år|years)\b/g, constants: [dexamethasone.AGE_LIMIT_YEARS] },
  { rule: crs.RULE_ID, what: 'CRS-free hours', pattern: HOURS, constants: [crs.CRS_FREE_HOURS] },
  { rule: premedication.RULE_ID, what: 'premedication hours before', pattern: HOURS, constants: [premedication.PREMEDICATION_HOURS_BEFORE] },
  { rule: vaccination.RULE_ID, what: 'vaccination days before start', pattern: DAYS, constants: [vaccination.VACCINE_DAYS_BEFORE_START] },
  { rule: infection.RULE_ID, what: 'infection window', pattern: DAYS, constants: [infection.INFECTION_WINDOW_DAYS] },
  { rule: belantamab.RULE_ID, what: 'tear drops per day', pattern: /(\d+)\s?(?:ganger|times)\b/g, constants: [belantamab.TEARS_MIN_TIMES_PER_DAY] },
];

function cardTexts(ruleId: string): string[] {
  const area = readdirSync(fromRoot('cards')).find((dir) => existsSync(fromRoot('cards', dir, `${ruleId}.json`)));
  if (area === undefined) throw new Error(`no card file for ${ruleId}`);
  const { citation: _citation, ...card } = JSON.parse(readFileSync(fromRoot('cards', area, `${ruleId}.json`), 'utf8')) as Record<string, unknown>;
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(card);
  return out;
}

test.each(quoted.map((q) => [q.rule, q.what, q] as const))('%s: the card quotes the %s as the rule decides it', (rule, _what, q) => {
  const numbers = cardTexts(rule).flatMap((t) => [...t.matchAll(q.pattern)].map((m) => Number(m[1])));
  expect(numbers.length).toBeGreaterThan(0);
  for (const n of numbers) expect(q.constants).toContain(n);
});
