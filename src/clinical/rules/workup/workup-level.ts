import type { ConditionEntry, EvaluationContext, Finding, LabValue, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { patientNotEvaluable } from '../support/findings.js';
import { MYELOMA_SCOPE_CONCEPTS } from '../../terminology/concepts.js';
import { currentConditions, usedCondition } from '../support/conditions.js';
import { addDays, isValidDate } from '../support/time.js';
import { assessPcd, inClassificationScope, readPoint } from '../classification/context.js';
import { ge, lt, readLab, used } from '../classification/mde-criteria.js';
import { LOWDOSE_CT } from '../classification/mde-bone.js';
import { therapyStart } from '../response/context.js';
import { FISH_PANEL } from '../support/fish-panel.js';
import { WB_MRI } from '../classification/mde-slim.js';
import {
  type HeavyChain,
  ISOTYPE,
  type Isotype,
  examinationSince,
  involvedChain,
  latestFlag,
  readIsotype,
  resultSince,
  usedExamination,
  usedFlag,
  usedIsotype,
} from './context.js';

// Catalogue A.2 `workup-level` with the order sets of `workup-lowrisk-no-marrow-imaging`,
// `workup-highrisk-items` and `workup-full-items` in its card. Seed [003] «Nivåer og rekkefølge på
// utredning» («Lavrisikoutredning», «Høyrisikoutredning», «Fullutredning») and «Biobank og FISH».

export const RULE_ID = 'workup-level';

/** «Lettkjederatio < 8» (low risk) / «Lettkjederatio >8» (high risk); exactly 8 is high risk (C-7). */
export const FLC_RATIO_BOUNDARY = 8;
/** «IgG M-komponent <15 g/l» / «IgG M-komponent >15 g/L»; exactly 15 is high risk (C-7). */
export const IGG_M_BOUNDARY_G_L = 15;
/** «IgA M-komponent <5g/l» / «IgA M-komponent > 5g/L»; exactly 5 is high risk (C-7). */
export const IGA_M_BOUNDARY_G_L = 5;
/** «MR helkropp gjøres hos pasienter med >10 % plasmaceller i biopsi, men som ikke fyller kriterier for behandlingskrevende myelomatose»; read as ≥ 10 % (C-7, in line with «10–59 %»). */
export const WB_MRI_BMPC_AT_LEAST_PCT = 10;
/** A.0.5 (proposal): an examination counts for this work-up from 60 days before the newest diagnosis. */
export const ITEM_WINDOW_DAYS = 60;

export type WorkupLevel = 'low-risk' | 'high-risk' | 'full';

const SYMPTOMS = 'obs:suspected-related-symptoms';
const PLASMACYTOMA = ['cond:solitary-plasmacytoma-bone', 'cond:extramedullary-plasmacytoma'];
const ACTIVE_DIAGNOSES = ['cond:multiple-myeloma', 'cond:plasma-cell-leukaemia'];
const SMOULDERING = 'cond:smouldering-myeloma';

export const PROC = {
  lowdoseCt: 'proc:lowdose-ct',
  wbMri: 'proc:wb-mri',
  petCt: 'proc:fdg-pet-ct',
  boneMarrow: 'proc:bone-marrow-examination',
  biobank: 'proc:myeloma-biobank',
} as const;

/** Draft orders «Ikke benmarg eller radiologisk undersøkelse» is about. */
export const MARROW_OR_IMAGING: readonly string[] = [PROC.boneMarrow, PROC.lowdoseCt, PROC.wbMri, PROC.petCt];

/** Criterion keys of cards/workup-level.json. */
export const C = {
  fullActiveDiagnosed: 'full-active-diagnosed',
  fullActiveCriteria: 'full-active-criteria',
  fullSmouldering: 'full-smouldering',
  fullPlasmacytomaMarrow: 'full-plasmacytoma-clonal-marrow',
  flcHigh: 'flc-ratio-ge-8',
  iggHigh: 'igg-m-ge-15',
  igaHigh: 'iga-m-ge-5',
  plasmacytoma: 'plasmacytoma',
  symptoms: 'suspected-symptoms',
  flcLow: 'flc-ratio-lt-8',
  mLow: 'm-below-thresholds',
  mNotApplicable: 'm-arm-not-applicable',
  noSymptoms: 'no-symptoms',
  symptomsNotDocumented: 'symptoms-not-documented',
  mIsotypeUnknown: 'm-ge-5-isotype-unknown',
  involvedAssumed: 'flc-involved-chain-assumed',
  plasmacytomaMarrowUnknown: 'plasmacytoma-marrow-unknown',
  wbMriConditional: 'wb-mri-conditional',
  wbMriNotNeeded: 'wb-mri-not-needed',
} as const;

/** Checklist items (criteria and summary labels of the card file). */
export const ITEM = {
  lowdoseCt: 'lowdose-ct',
  boneMarrow: 'bone-marrow',
  wbMri: 'wb-mri',
  hbv: 'hbv-serology',
  hcv: 'hcv-serology',
  hiv: 'hiv-serology',
  fish: 'fish',
  tp53: 'tp53',
  biobank: 'biobank',
} as const;

export interface LevelInput {
  /** Full work-up criteria met (keys of C). */
  full: string[];
  /** Involved/uninvolved FLC ratio (C-5). */
  flcRatio?: number;
  /** Heavy chains of the typing; undefined = not typed. */
  heavy?: HeavyChain[];
  /** Serum M-protein in g/L. */
  mprotein?: number;
  plasmacytoma: boolean;
  /** Clinician flag; undefined = not recorded. */
  symptoms?: boolean;
}

export interface LevelResult {
  level?: WorkupLevel;
  met: string[];
  notMet: string[];
  missing: string[];
}

/** The national triage on canonical values: full, else high risk, else low risk, else not determinable. */
export function determineLevel(input: LevelInput): LevelResult {
  if (input.full.length > 0) return { level: 'full', met: [...input.full], notMet: [], missing: [] };
  const { flcRatio, heavy, mprotein, plasmacytoma, symptoms } = input;
  const high: string[] = [];
  if (flcRatio !== undefined && ge(flcRatio, FLC_RATIO_BOUNDARY)) high.push(C.flcHigh);
  // IgM and light-chain-only M-proteins are judged on the FLC ratio alone (C-7).
  if (heavy?.includes('IgG') && mprotein !== undefined && ge(mprotein, IGG_M_BOUNDARY_G_L)) high.push(C.iggHigh);
  if (heavy?.includes('IgA') && mprotein !== undefined && ge(mprotein, IGA_M_BOUNDARY_G_L)) high.push(C.igaHigh);
  // Untyped M-protein at or above the IgA threshold could be IgA: read as high risk (proposal), so a
  // missing typing never leaves the level undetermined.
  if (heavy === undefined && mprotein !== undefined && ge(mprotein, IGA_M_BOUNDARY_G_L)) high.push(C.mIsotypeUnknown);
  if (plasmacytoma) high.push(C.plasmacytoma);
  if (symptoms === true) high.push(C.symptoms);
  if (high.length > 0) return { level: 'high-risk', met: high, notMet: [], missing: [] };

  // Low risk needs every arm below its threshold: «Lettkjederatio < 8, IgG M-komponent <15 g/l, IgA M-komponent <5g/l, ingen symptomer».
  const met: string[] = [];
  const missing: string[] = [];
  if (flcRatio === undefined) missing.push('lab:flc-kappa', 'lab:flc-lambda');
  else met.push(C.flcLow);
  const mArm = heavy?.includes('IgG') || heavy?.includes('IgA');
  if (mprotein !== undefined && lt(mprotein, IGA_M_BOUNDARY_G_L)) {
    // Below the lower (IgA) threshold: below both, whatever the isotype.
    met.push(C.mLow);
  } else if (heavy !== undefined && !mArm) {
    met.push(C.mNotApplicable);
  } else if (mprotein === undefined) {
    missing.push('lab:mprotein');
  } else {
    met.push(C.mLow);
  }
  // Catalogue: only a missing FLC ratio or M-protein concentration makes the level undeterminable.
  // Without a symptom record the labs decide, and the card says symptoms were not documented.
  const notMet: string[] = [];
  if (symptoms === undefined) notMet.push(C.symptomsNotDocumented);
  else met.push(C.noSymptoms);
  if (missing.length > 0) return { met, notMet, missing };
  return { level: 'low-risk', met, notMet, missing: [] };
}

/** LOINC for the order-the-test suggestions (B.1; concepts.json). */
const ORDER_LOINC: Readonly<Record<string, string>> = {
  'lab:mprotein': '33358-3',
  'lab:flc-kappa': '36916-5',
  'lab:flc-lambda': '33944-0',
  'obs:hbsag': '5196-1',
  'obs:anti-hbc': '13952-7',
  'obs:hcv-ab': '16128-1',
  'obs:hiv-agab': '56888-1',
};

const orderLab = (concept: string): SuggestionRequest => ({ template: 'order-lab', params: { concept, loinc: ORDER_LOINC[concept] as string } });

interface Assessment {
  result: LevelResult;
  values: UsedValue[];
  bmpc?: LabValue;
  active: boolean;
  /** Start of the window in which examinations count for this work-up. */
  itemsFrom?: Date;
}

function newestDiagnosis(conditions: ConditionEntry[]): Date | undefined {
  let best: Date | undefined;
  for (const c of conditions) {
    const d = isValidDate(c.onset) ? c.onset : isValidDate(c.recorded) ? c.recorded : undefined;
    if (d && (!best || d.getTime() > best.getTime())) best = d;
  }
  return best;
}

/** FLC ratio involved/uninvolved (C-5): the chain named by the typing, else the larger one (flagged). */
function involvedRatio(snapshot: PatientSnapshot, isotype: Isotype | undefined, at: ReturnType<typeof readPoint>['at']): {
  ratio?: number;
  assumed: boolean;
  values: UsedValue[];
} {
  const kappa = readLab(snapshot, 'lab:flc-kappa', 'mg/L', at);
  const lambda = readLab(snapshot, 'lab:flc-lambda', 'mg/L', at);
  const labRatio = readLab(snapshot, 'lab:flc-ratio', '{ratio}', at);
  const values = [...used(kappa), ...used(lambda), ...used(labRatio)];
  const kl = labRatio?.value ?? (kappa && lambda && lambda.value > 0 ? kappa.value / lambda.value : undefined);
  if (kl === undefined || !(kl > 0)) return { assumed: false, values };
  const chain = involvedChain(isotype);
  const ratio = chain === 'kappa' ? kl : chain === 'lambda' ? 1 / kl : Math.max(kl, 1 / kl);
  const when = (labRatio ?? kappa ?? lambda)?.effective;
  values.push({ concept: 'flc-involved-ratio', value: Math.round(ratio * 100) / 100, ...(when ? { date: when } : {}) });
  return { ratio, assumed: chain === undefined, values };
}

function assess(snapshot: PatientSnapshot, now: Date): Assessment | undefined {
  if (!inClassificationScope(snapshot)) return undefined;
  const pcd = assessPcd(snapshot, now);
  const { at } = readPoint(snapshot, now);
  const scope = currentConditions(snapshot, MYELOMA_SCOPE_CONCEPTS);
  const values: UsedValue[] = scope.map((c) => usedCondition(c));
  const bmpc = readLab(snapshot, 'lab:bmpc', '%', at);
  const mprotein = readLab(snapshot, 'lab:mprotein', 'g/L', at);
  const isotype = readIsotype(snapshot, now);
  const flc = involvedRatio(snapshot, isotype, at);
  const symptoms = latestFlag(snapshot, SYMPTOMS, now);
  const plasmacytoma = currentConditions(snapshot, PLASMACYTOMA).length > 0;

  const full: string[] = [];
  const activeDiagnosed = currentConditions(snapshot, ACTIVE_DIAGNOSES).length > 0;
  if (activeDiagnosed) full.push(C.fullActiveDiagnosed);
  if (pcd?.outcome === 'active') full.push(C.fullActiveCriteria);
  if (currentConditions(snapshot, [SMOULDERING]).length > 0 || pcd?.outcome === 'smouldering' || pcd?.outcome === 'smouldering-vs-active') {
    full.push(C.fullSmouldering);
  }
  // «plasmacytomer med klonal sykdom i benmargen»: any marrow plasma cells, as classify-solitary-plasmacytoma reads it.
  if (plasmacytoma && bmpc !== undefined && bmpc.value > 0) full.push(C.fullPlasmacytomaMarrow);

  const result = determineLevel({
    full,
    ...(flc.ratio !== undefined ? { flcRatio: flc.ratio } : {}),
    ...(isotype ? { heavy: isotype.heavy } : {}),
    ...(mprotein ? { mprotein: mprotein.value } : {}),
    plasmacytoma,
    ...(symptoms ? { symptoms: symptoms.value } : {}),
  });
  if (flc.assumed && flc.ratio !== undefined) result.notMet.push(C.involvedAssumed);
  if (result.level === 'high-risk' && plasmacytoma && bmpc === undefined) result.notMet.push(C.plasmacytomaMarrowUnknown);

  values.push(...used(mprotein), ...flc.values, ...used(bmpc));
  if (isotype) values.push(usedIsotype(isotype));
  if (symptoms) values.push(usedFlag(SYMPTOMS, symptoms, '+', '−'));
  const dx = newestDiagnosis(scope);
  return {
    result,
    values,
    ...(bmpc ? { bmpc } : {}),
    active: activeDiagnosed || pcd?.outcome === 'active',
    ...(dx ? { itemsFrom: addDays(dx, -ITEM_WINDOW_DAYS) } : {}),
  };
}

interface Checklist {
  done: string[];
  outstanding: string[];
  notes: string[];
  values: UsedValue[];
  suggestions: SuggestionRequest[];
}

/** «Høyrisikoutredning» (and for the full level «Fullutredning»): what is on record and what is outstanding. */
function checklist(snapshot: PatientSnapshot, a: Assessment, level: WorkupLevel, now: Date): Checklist {
  const out: Checklist = { done: [], outstanding: [], notes: [], values: [], suggestions: [] };
  const from = a.itemsFrom;
  const item = (key: string, found: UsedValue | undefined, suggestions: SuggestionRequest[]): void => {
    if (found) {
      out.done.push(key);
      out.values.push(found);
    } else {
      out.outstanding.push(key);
      out.suggestions.push(...suggestions);
    }
  };
  const exam = (concepts: string[], label: string): UsedValue | undefined => {
    const p = examinationSince(snapshot, concepts, from, now);
    return p ? usedExamination(p, label) : undefined;
  };
  const coded = (concepts: readonly string[], label: string): UsedValue | undefined => {
    const o = resultSince(snapshot, concepts, from, now);
    return o ? { concept: label, value: o.valueConcepts.includes('answer:present') || o.valueConcepts.includes('answer:positive') ? '+' : '−', date: o.effective, source: o.source } : undefined;
  };

  // «CT myelomatose.»
  item(ITEM.lowdoseCt, exam([PROC.lowdoseCt], ITEM.lowdoseCt) ?? coded([LOWDOSE_CT], ITEM.lowdoseCt), [{ template: 'order-lowdose-ct' }]);
  // «Benmargsutstryk og benmargsbiopsi»: a marrow plasma-cell count shows the marrow was examined.
  const bmpcSince = a.bmpc && (!from || a.bmpc.effective.getTime() >= from.getTime()) ? a.bmpc : undefined;
  item(ITEM.boneMarrow, exam([PROC.boneMarrow], ITEM.boneMarrow) ?? (bmpcSince ? used(bmpcSince)[0] : undefined), [{ template: 'order-bone-marrow' }]);
  // «MR helkropp gjøres hos pasienter med >10 % plasmaceller i biopsi, men som ikke fyller kriterier for behandlingskrevende myelomatose.»
  if (a.active) out.notes.push(C.wbMriNotNeeded);
  else if (!a.bmpc) out.notes.push(C.wbMriConditional);
  else if (ge(a.bmpc.value, WB_MRI_BMPC_AT_LEAST_PCT)) item(ITEM.wbMri, exam([PROC.wbMri], ITEM.wbMri) ?? coded([WB_MRI], ITEM.wbMri), [{ template: 'order-wb-mri' }]);
  else out.notes.push(C.wbMriNotNeeded);

  if (level === 'full') {
    // «Virusserologi for HBV, HCV og HIV • FISH av benmarg, og TP53-mutasjonsanalyse • Biobanking om mulig»
    item(ITEM.hbv, coded(['obs:hbsag', 'obs:anti-hbc'], ITEM.hbv), [orderLab('obs:hbsag'), orderLab('obs:anti-hbc')]);
    item(ITEM.hcv, coded(['obs:hcv-ab'], ITEM.hcv), [orderLab('obs:hcv-ab')]);
    item(ITEM.hiv, coded(['obs:hiv-agab'], ITEM.hiv), [orderLab('obs:hiv-agab')]);
    item(ITEM.fish, coded(FISH_PANEL, ITEM.fish), [{ template: 'order-fish-tp53' }]);
    item(ITEM.tp53, coded(['fish:tp53-mut'], ITEM.tp53), [{ template: 'order-fish-tp53' }]);
    item(ITEM.biobank, exam([PROC.biobank], ITEM.biobank), [{ template: 'order-biobank' }]);
  }
  const seen = new Set<string>();
  out.suggestions = out.suggestions.filter((s) => {
    const key = JSON.stringify(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return out;
}

function patientView(snapshot: PatientSnapshot, a: Assessment, now: Date): Finding[] {
  const { result, values } = a;
  if (!result.level) {
    // MD-info: «level not determinable» with SPEP + FLC (+ typing) to order; never a guessed level.
    const suggestions: SuggestionRequest[] = result.missing.filter((m) => ORDER_LOINC[m]).map(orderLab);
    if (result.missing.includes(ISOTYPE)) suggestions.push({ template: 'order-immunofixation' });
    return [
      patientNotEvaluable(RULE_ID, values, result.missing, {
        ...(result.met.length > 0 ? { criteriaMet: result.met } : {}),
        ...(result.notMet.length > 0 ? { criteriaNotMet: result.notMet } : {}),
        ...(suggestions.length > 0 ? { suggestions } : {}),
      }),
    ];
  }
  if (result.level === 'low-risk') {
    return [
      {
        ruleId: RULE_ID,
        outcome: 'fired',
        subject: 'patient',
        variant: result.notMet.includes(C.symptomsNotDocumented) ? 'low-risk-symptoms-undocumented' : 'low-risk',
        params: {},
        values,
        missing: [],
        criteriaMet: result.met,
        ...(result.notMet.length > 0 ? { criteriaNotMet: result.notMet } : {}),
      },
    ];
  }
  const list = checklist(snapshot, a, result.level, now);
  if (result.met.includes(C.mIsotypeUnknown)) list.suggestions.push({ template: 'order-immunofixation' });
  const complete = list.outstanding.length === 0;
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: complete ? `${result.level}-complete` : result.level,
      params: {},
      values: [...values, ...list.values],
      // The outstanding items name themselves in the summary (labels of the card file).
      missing: list.outstanding,
      criteriaMet: [...result.met, ...list.done],
      ...([...result.notMet, ...list.outstanding, ...list.notes].length > 0 ? { criteriaNotMet: [...result.notMet, ...list.outstanding, ...list.notes] } : {}),
      ...(list.suggestions.length > 0 ? { suggestions: list.suggestions } : {}),
    },
  ];
}

/** «Ikke benmarg eller radiologisk undersøkelse»: a marrow or imaging draft under a low-risk work-up. */
function orderHook(snapshot: PatientSnapshot, a: Assessment): Finding[] {
  if (a.result.level !== 'low-risk') return [];
  return snapshot.draftOrders
    .filter((d) => d.inFocus && d.procedure?.concepts.some((c) => MARROW_OR_IMAGING.includes(c)))
    .map((d) => ({
      ruleId: RULE_ID,
      outcome: 'fired' as const,
      subject: d.ref,
      variant: 'low-risk-order',
      params: { order: d.display },
      values: a.values,
      missing: [],
      criteriaMet: a.result.met,
    }));
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // The work-up («utredning») precedes treatment: once anti-myeloma therapy has started it is over,
  // and a checklist of diagnostic tests would only crowd the chart of a patient under treatment.
  if (therapyStart(snapshot, ctx.now)) return [];
  const a = assess(snapshot, ctx.now);
  if (!a) return [];
  return ctx.hook === 'patient-view' ? patientView(snapshot, a, ctx.now) : orderHook(snapshot, a);
}

export const workupLevel: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select', 'order-sign'],
  needs: ['conditions', 'observations', 'procedures', 'serviceRequests', 'medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  evaluate,
};
