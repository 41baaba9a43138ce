import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { isoDate, clinicalDay } from '../support/time.js';
import { antiMyelomaExposures, inResponseScope, therapyStart } from '../response/context.js';
import { exposures, progressionEvents } from '../response/refractory-60-days.js';
import { previousTransplants } from './relapse-hmas-eligibility.js';

// Catalogue A.6 `primary-refractory`, reading C-23. Seed [003] «Primært refraktær sykdom»: «Vi
// anbefaler følgende håndtering i forbindelse med HMAS: • For pasienter som har progresjon i starten
// av induksjonsbehandlingen => Bytt induksjonsbehandling, og involver en ekspert i valg av behandling.
// • For pasienter som har progresjon sent i induksjonsbehandling => Gå raskt til HMAS • For pasienter
// som ikke har progresjon, men suboptimal respons => Fullfør 6 sykluser induksjonsbehandling og gå
// raskt til HMAS». «For pasienter som ikke skal til HMAS, behandler man videre til progresjon, og
// bytter så til det neste aktuelle behandlingsregimet.»

export const RULE_ID = 'primary-refractory';

/** HMAS induction: «Sykluslengde: 28 dager. Antall sykluser: 6 før HMAS». */
export const CYCLE_DAYS = 28;
export const INDUCTION_CYCLES = 6;
/** C-23 (proposal): progression in cycles 1–3 is early, in cycles 4–6 late. */
export const LAST_EARLY_CYCLE = 3;
/** «Pasienter <70 år tilbys … HMAS» (hmas-candidacy-age, C-33): the HMAS pathway. */
export const HMAS_PATHWAY_AGE_BELOW = 70;

export const MISSING_THERAPY_START = 'induction-start';

/** Induction cycle (1-based) of a day counted from the first dose, by calendar days. */
export function cycleOf(start: Date, at: Date): number {
  const days = clinicalDay(at) - clinicalDay(start);
  return days < 0 ? 0 : Math.floor(days / CYCLE_DAYS) + 1;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inResponseScope(snapshot)) return [];
  // «i forbindelse med HMAS»: patients on the HMAS pathway who have not had HMAS yet.
  const age = snapshot.ageYears;
  if (age === undefined || age >= HMAS_PATHWAY_AGE_BELOW) return [];
  if (previousTransplants(snapshot, ctx.now).length > 0) return [];
  if (antiMyelomaExposures(snapshot).length === 0) return [];
  const events = progressionEvents(snapshot, ctx.now);
  if (events.length === 0) return [];

  const start = therapyStart(snapshot, ctx.now);
  if (!start) {
    // «cycle number unknown → show all three branches» (MD-info).
    const latest = events[events.length - 1];
    return [
      {
        ruleId: RULE_ID,
        outcome: 'not-evaluable',
        subject: 'patient',
        variant: 'default',
        params: {},
        values: latest ? [{ concept: 'progression-date', value: isoDate(latest.date), date: latest.date }] : [],
        missing: [MISSING_THERAPY_START],
      },
    ];
  }
  const inInduction = events.filter((e) => {
    const cycle = cycleOf(start, e.date);
    return cycle >= 1 && cycle <= INDUCTION_CYCLES;
  });
  const progression = inInduction[0];
  if (!progression) return [];
  // Once a new drug has been started after the progression, the induction has been switched.
  const switched = exposures(snapshot, ctx.now).some((x) => x.first !== undefined && clinicalDay(x.first) > clinicalDay(progression.date));
  if (switched) return [];

  const cycle = cycleOf(start, progression.date);
  const early = cycle <= LAST_EARLY_CYCLE;
  const values: UsedValue[] = [
    { concept: 'induction-start', value: isoDate(start), date: start },
    { concept: 'progression-date', value: isoDate(progression.date), date: progression.date },
    { concept: 'induction-cycle', value: cycle },
    { concept: 'age', value: age, unit: 'a' },
  ];
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: early ? 'early' : 'late',
      params: { cycle },
      values,
      missing: [],
      criteriaMet: ['hmas-pathway', early ? 'cycle-1-3' : 'cycle-4-6'],
    },
  ];
}

export const primaryRefractory: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['patient', 'conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'procedures'],
  evaluate,
};
