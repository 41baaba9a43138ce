import type {
  DataDomain,
  EvaluationContext,
  Finding,
  Indicator,
  MedicationEntry,
  PatientSnapshot,
  Rule,
  SourceRef,
  SuggestionRequest,
  UsedValue,
} from '../types.js';

// Catalogue A.9 `vzv-prophylaxis`: herpes zoster prophylaxis with valaciclovir.
// Seed [003] «Øvrig infeksjonsprofylakse», «Varicella (herpes zoster)».

export const RULE_ID = 'vzv-prophylaxis';

const PROTEASOME_INHIBITOR = 'class:proteasome-inhibitor';
const CD38_ANTIBODY = 'class:cd38-antibody';
/** Valaciclovir (J05AB11) or aciclovir (J05AB01) counts as prophylaxis (catalogue A.9 Data). */
const ANTIVIRAL_CONCEPTS = ['class:vzv-antiviral', 'drug:valaciclovir', 'drug:aciclovir'];

/**
 * Settings that require valaciclovir; the first matching row gives the card variant. Rows for HMAS,
 * CAR-T (500 mg x 2, stop only with CD4 > 0.2) and bispecifics (≥ 365 days, C-27) join this table.
 */
interface ProphylaxisSetting {
  /** Variant key in cards/vzv-prophylaxis.json. */
  variant: string;
  /** Class concepts of the drugs that create the need. */
  triggerClasses: string[];
  suggestion: SuggestionRequest;
  /** Criterion key shown as met when the setting applies. */
  criterion: string;
}

const SETTINGS: ProphylaxisSetting[] = [
  {
    // «Valaciklovir 250 mg x 2 po til alle pasienter som får proteasomhemmer og CD38 antistoff.»
    // «og» read as "or" (C-25). Dose and "x 2" = twice daily (C-39) live in the suggestion template.
    variant: 'pi-cd38',
    triggerClasses: [PROTEASOME_INHIBITOR, CD38_ANTIBODY],
    suggestion: { template: 'create-valaciclovir' },
    criterion: 'pi-or-cd38-therapy',
  },
];

/** Criterion key: no valaciclovir/aciclovir active or in the order session. */
const CRITERION_NO_ANTIVIRAL = 'no-antiviral';

/** Record types the rule reads (drafts come from the order session). */
const RECORD_SOURCES = new Set(['MedicationRequest', 'MedicationStatement']);
/** A paused PI or CD38 course (on-hold) still needs cover. */
const TRIGGER_STATUSES = new Set(['active', 'on-hold']);
/** Only an antiviral actually being given protects; one on hold does not. */
const PROTECTING_STATUSES = new Set(['active']);

const MEDICATION_DOMAINS: DataDomain[] = ['medicationRequests', 'medicationStatements'];

function hasAny(entry: MedicationEntry, concepts: string[]): boolean {
  return entry.concepts.some((c) => concepts.includes(c));
}

function settingFor(entry: MedicationEntry): ProphylaxisSetting | undefined {
  return SETTINGS.find((s) => hasAny(entry, s.triggerClasses));
}

function isRecordWithStatus(entry: MedicationEntry, statuses: Set<string>): boolean {
  return RECORD_SOURCES.has(entry.source) && entry.status !== undefined && statuses.has(entry.status);
}

/** Prophylaxis on record, or ordered in this session (any draft, selected or not). */
function hasProphylaxis(snapshot: PatientSnapshot): boolean {
  const onRecord = snapshot.medications.some((m) => hasAny(m, ANTIVIRAL_CONCEPTS) && isRecordWithStatus(m, PROTECTING_STATUSES));
  const drafted = snapshot.draftOrders.some((d) => d.medication !== undefined && hasAny(d.medication, ANTIVIRAL_CONCEPTS));
  return onRecord || drafted;
}

function sourceOf(ref: string): SourceRef {
  const [resourceType = ref, id] = ref.split('/');
  return id ? { resourceType, id } : { resourceType };
}

interface Trigger {
  subject: string;
  setting: ProphylaxisSetting;
  medications: MedicationEntry[];
}

/** patient-view: the patient's current PI / CD38 therapy; order hooks: each selected draft. */
function triggers(snapshot: PatientSnapshot, ctx: EvaluationContext): Trigger[] {
  const bySubject = new Map<string, Trigger>();
  const add = (subject: string, medication: MedicationEntry): void => {
    const setting = settingFor(medication);
    if (!setting) return;
    const existing = bySubject.get(subject);
    if (existing) {
      if (!existing.medications.some((m) => m.ref === medication.ref)) existing.medications.push(medication);
    } else bySubject.set(subject, { subject, setting, medications: [medication] });
  };

  if (ctx.hook === 'patient-view') {
    for (const m of snapshot.medications) if (isRecordWithStatus(m, TRIGGER_STATUSES)) add('patient', m);
  } else {
    for (const d of snapshot.draftOrders) if (d.inFocus && d.medication) add(d.ref, d.medication);
  }
  return [...bySubject.values()];
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const found = triggers(snapshot, ctx);
  if (found.length === 0 || hasProphylaxis(snapshot)) return [];

  // A.0.1: order-select gives early, informational cards; order-sign and patient-view warn.
  const indicator: Indicator = ctx.hook === 'order-select' ? 'info' : 'warning';
  const unavailable = MEDICATION_DOMAINS.filter((d) => snapshot.unavailable.includes(d));

  return found.map((t): Finding => {
    const drug = [...new Set(t.medications.map((m) => m.display))].join(', ');
    const values: UsedValue[] = t.medications.map((m) => ({
      concept: m.concepts.find((c) => t.setting.triggerClasses.includes(c)) ?? t.setting.triggerClasses[0] ?? 'medication',
      value: m.display,
      ...(m.date ? { date: m.date } : {}),
      source: sourceOf(m.ref),
    }));
    const base = { ruleId: RULE_ID, subject: t.subject, params: { drug }, values, indicator };

    if (unavailable.length > 0) {
      // MD-warn: without the medication list an existing valaciclovir cannot be seen.
      return {
        ...base,
        outcome: 'not-evaluable',
        variant: 'default',
        missing: unavailable.map((d) => `domain:${d}`),
        criteriaMet: [t.setting.criterion],
      };
    }
    return {
      ...base,
      outcome: 'fired',
      variant: t.setting.variant,
      missing: [],
      criteriaMet: [t.setting.criterion, CRITERION_NO_ANTIVIRAL],
      suggestions: [t.setting.suggestion],
    };
  });
}

export const vzvProphylaxis: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select', 'order-sign'],
  needs: ['medicationRequests', 'medicationStatements'],
  handlesUnavailable: true,
  evaluate,
};
