import type { PatientSnapshot } from './types.js';
import { stagingScope } from './rules/support/fish-panel.js';
import { therapyStart } from './rules/response/context.js';
import { daysBetween } from './rules/support/time.js';

// Whether the values of the time of diagnosis (ISS, R-ISS and risk labs, FISH, the pre-treatment
// M-protein) can still be taken. Once treatment has started, or once the diagnosis is older than
// the staging window, a new sample no longer describes the disease at diagnosis, so the sidebar
// stops asking for it at every visit (proposal: the seed gives no such window; A.0.5 gives 60
// days around the diagnosis date for classification and staging labs).

/** Days after the diagnosis date within which staging labs still count as "at diagnosis" (A.0.5). */
export const BASELINE_WINDOW_DAYS = 60;

export type BaselineState = 'open' | 'closed-therapy' | 'closed-time';

export function baselineState(snapshot: PatientSnapshot, now: Date): BaselineState {
  if (therapyStart(snapshot, now)) return 'closed-therapy';
  const diagnosis = stagingScope(snapshot)?.diagnosis;
  if (diagnosis && daysBetween(diagnosis.date, now) > BASELINE_WINDOW_DAYS) return 'closed-time';
  return 'open';
}
