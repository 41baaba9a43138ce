import { readFileSync } from 'node:fs';
import type {
  Bundle,
  Coding,
  Condition,
  MedicationRequest,
  Observation,
  Patient,
  Procedure,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { fromRoot } from '../src/paths.js';

// A generated (never hand-written) heavy myeloma record: five years of follow-up after diagnosis
// (induction, autologous transplant, lenalidomide maintenance, biochemical relapse, second line).
// Deterministic for a given seed and as-of date, so two runs load the service with the same bytes.
// Codes are read from terminology/concepts.json at run time, so the record follows the catalogue.

export interface HeavyPatientOptions {
  seed: number;
  /** Last day of follow-up (UTC, YYYY-MM-DD); diagnosis is five years earlier. */
  asOf: string;
  /** At most this many Observations (the newest kept); the schedule itself gives about 400. */
  maxObservations?: number;
}

export interface HeavyPatient {
  patientId: string;
  /** Resources by FHIR resource type (Patient included). */
  byType: Record<string, Resource[]>;
  counts: Record<string, number>;
}

const UCUM = 'http://unitsofmeasure.org';
const LOCAL = 'urn:heme-cds:local';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const SCT = 'http://snomed.info/sct';
const DAY_MS = 86_400_000;

/** mulberry32: small, fast, and the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ConceptFile {
  systems: Record<string, string[]>;
  concepts: Record<string, { kind: string; display?: { en?: string }; codes?: { system: string; code: string }[]; canonicalUnit?: string }>;
}

class Codes {
  private readonly file: ConceptFile;

  constructor() {
    this.file = JSON.parse(readFileSync(fromRoot('terminology', 'concepts.json'), 'utf8')) as ConceptFile;
  }

  private concept(id: string) {
    const c = this.file.concepts[id];
    if (!c) throw new Error(`bench: concept ${id} missing from terminology/concepts.json`);
    return c;
  }

  /** Codings of a concept in the given alias systems, e.g. ['loinc'] or ['atc', 'rxnorm']. */
  codings(id: string, systems: string[]): Coding[] {
    const c = this.concept(id);
    const out: Coding[] = [];
    for (const code of c.codes ?? []) {
      if (!systems.includes(code.system)) continue;
      const url = this.file.systems[code.system]?.[0];
      if (!url) throw new Error(`bench: system alias ${code.system} unknown`);
      out.push({ system: url, code: code.code, ...(c.display?.en ? { display: c.display.en } : {}) });
    }
    if (out.length === 0) throw new Error(`bench: concept ${id} has no ${systems.join('/')} code`);
    return out;
  }

  display(id: string): string {
    return this.concept(id).display?.en ?? id;
  }

  unit(id: string): string {
    const u = this.concept(id).canonicalUnit;
    if (!u) throw new Error(`bench: concept ${id} has no canonical unit`);
    return u;
  }
}

/** Disease activity over time (0 = none .. 1 = diagnosis level), by month since diagnosis. */
function activity(month: number): number {
  if (month < 5) return Math.exp(-month * 0.75); // induction: deep fall
  if (month < 7) return 0.025;
  if (month < 40) return 0.01;
  if (month < 45) return 0.01 + (month - 40) * 0.06; // biochemical relapse on maintenance
  return Math.max(0.04, 0.31 * Math.exp(-(month - 45) * 0.35)); // second line works
}

interface Visit {
  at: Date;
  month: number;
  markers: boolean;
  staging: boolean;
  /** Stable phase on maintenance: blood counts only with the myeloma markers. */
  maintenance: boolean;
}

function visits(start: Date, end: Date, rand: () => number): Visit[] {
  const out: Visit[] = [];
  let t = start.getTime();
  let n = 0;
  while (t <= end.getTime()) {
    const month = (t - start.getTime()) / (30.44 * DAY_MS);
    // Induction every cycle (21 d), transplant fortnightly, maintenance every 10 weeks, relapse
    // monthly until the second line has taken hold, then every 8 weeks.
    const step = month < 5 ? 21 : month < 7 ? 14 : month < 40 ? 70 : month < 46 ? 28 : 56;
    const hour = 7 + Math.floor(rand() * 4);
    const at = new Date(t + hour * 3_600_000 + Math.floor(rand() * 60) * 60_000);
    out.push({
      at,
      month,
      markers: n % 2 === 0 || month >= 40,
      staging: n === 0 || (month >= 40 && month < 41.5) || n % 12 === 0,
      maintenance: month >= 7 && month < 40,
    });
    t += step * DAY_MS;
    n++;
  }
  return out;
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function generateHeavyPatient(opts: HeavyPatientOptions): HeavyPatient {
  const rand = seededRandom(opts.seed);
  const noise = (sd: number) => (rand() + rand() + rand() - 1.5) * sd * 2;
  const codes = new Codes();
  const patientId = `bench-heavy-${opts.seed.toString(36)}`;
  const subject = { reference: `Patient/${patientId}` };
  const end = new Date(`${opts.asOf}T00:00:00Z`);
  if (Number.isNaN(end.getTime())) throw new Error(`bench: bad as-of date ${opts.asOf}`);
  const start = new Date(Date.UTC(end.getUTCFullYear() - 5, end.getUTCMonth(), end.getUTCDate()));
  const monthAt = (m: number) => new Date(start.getTime() + Math.round(m * 30.44) * DAY_MS);

  const patient: Patient = {
    resourceType: 'Patient',
    id: patientId,
    identifier: [{ system: 'urn:heme-cds:bench', value: `BENCH-${opts.seed}` }],
    active: true,
    name: [{ use: 'official', family: 'Benchmark', given: ['Heavy'] }],
    gender: 'male',
    birthDate: `${end.getUTCFullYear() - 71}-04-17`,
  };

  // ---- Observations
  const observations: Observation[] = [];
  let obsSeq = 0;
  const lab = (
    conceptId: string,
    at: Date,
    value: number,
    extra: { unit?: string; digits?: number; low?: number; high?: number; codeIndex?: number; comparator?: '<' } = {},
  ) => {
    const all = codes.codings(conceptId, ['loinc']);
    const coding = all[(extra.codeIndex ?? 0) % all.length] as Coding;
    const unit = extra.unit ?? codes.unit(conceptId);
    const v = round(value, extra.digits ?? 1);
    const interpretation =
      extra.high !== undefined && v > extra.high ? 'H' : extra.low !== undefined && v < extra.low ? 'L' : undefined;
    obsSeq++;
    // A few results are corrected or withdrawn, as in any real record.
    const status: Observation['status'] = obsSeq % 97 === 0 ? 'entered-in-error' : obsSeq % 41 === 0 ? 'amended' : 'final';
    const obs: Observation = {
      resourceType: 'Observation',
      id: `bench-obs-${obsSeq}`,
      meta: { lastUpdated: iso(new Date(at.getTime() + 5_400_000)) },
      status,
      category: [
        {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'Laboratory' }],
        },
      ],
      code: { coding: [coding], text: codes.display(conceptId) },
      subject,
      effectiveDateTime: iso(at),
      issued: iso(new Date(at.getTime() + 4_200_000)),
      valueQuantity: { value: v, unit, system: UCUM, code: unit, ...(extra.comparator ? { comparator: extra.comparator } : {}) },
      ...(interpretation
        ? { interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: interpretation }] }] }
        : {}),
      ...(extra.low !== undefined || extra.high !== undefined
        ? {
            referenceRange: [
              {
                ...(extra.low !== undefined ? { low: { value: extra.low, unit, system: UCUM, code: unit } } : {}),
                ...(extra.high !== undefined ? { high: { value: extra.high, unit, system: UCUM, code: unit } } : {}),
              },
            ],
          }
        : {}),
    };
    observations.push(obs);
  };

  const allVisits = visits(start, end, rand);
  for (const [i, v] of allVisits.entries()) {
    const a = activity(v.month);
    const transplant = v.month >= 5.5 && v.month < 6.5;
    // Some visits are at an external lab reporting in other (convertible) units: exercises UCUM.
    const external = i % 9 === 4;
    const hb = 9.1 + (1 - a) * 3.6 + noise(0.3) - (transplant ? 2.2 : 0);
    if (external) lab('lab:hb', v.at, hb * 10, { unit: 'g/L', digits: 0, low: 134, high: 170, codeIndex: 1 });
    else lab('lab:hb', v.at, hb, { low: 13.4, high: 17.0 });
    const creat = 92 + a * 48 + noise(6);
    if (external) lab('lab:creatinine', v.at, creat / 88.42, { unit: 'mg/dL', digits: 2, low: 0.68, high: 1.18, codeIndex: 1 });
    else lab('lab:creatinine', v.at, creat, { digits: 0, low: 60, high: 105 });
    lab('lab:egfr', v.at, Math.min(90, 4950 / creat + noise(2)), { digits: 0, low: 60, codeIndex: i % 3 });
    const ca = 2.33 + a * 0.42 + noise(0.04);
    if (external) lab('lab:calcium', v.at, ca * 4.008, { unit: 'mg/dL', digits: 1, low: 8.6, high: 10.3 });
    else lab('lab:calcium', v.at, ca, { digits: 2, low: 2.15, high: 2.51 });
    lab('lab:albumin', v.at, 40 - a * 9 + noise(1.2), { digits: 0, low: 36, high: 48 });
    if (!v.maintenance || v.markers) {
      lab('lab:neutrophils', v.at, transplant ? 0.3 + rand() * 0.8 : 2.4 + noise(0.6) + (v.month >= 45 ? -0.6 : 0), { low: 1.5, high: 7.3 });
      lab('lab:platelets', v.at, transplant ? 25 + rand() * 40 : 215 + noise(25) - a * 60, { digits: 0, low: 145, high: 390 });
    }
    if (v.markers) {
      const mp = 38 * a + noise(0.4);
      if (mp < 1) lab('lab:mprotein', v.at, 1, { digits: 0, comparator: '<' });
      else lab('lab:mprotein', v.at, mp, { codeIndex: i % 2 });
      const kappa = Math.max(6, 480 * a + 12 + noise(2));
      const lambda = Math.max(4, 11 + noise(1.5) - a * 3);
      lab('lab:flc-kappa', v.at, kappa, { low: 3.3, high: 19.4 });
      lab('lab:flc-lambda', v.at, lambda, { low: 5.7, high: 26.3 });
      lab('lab:flc-ratio', v.at, kappa / lambda, { digits: 2, low: 0.26, high: 1.65 });
    }
    if (v.staging) {
      lab('lab:b2m', v.at, 2.1 + a * 3.8 + noise(0.2), { digits: 1, high: 2.4 });
      lab('lab:ld', v.at, 175 + a * 95 + noise(12), { digits: 0, low: 105, high: 205 });
      lab('lab:igg', v.at, 9 + 36 * a + noise(0.8), { low: 6.1, high: 14.9 });
      lab('lab:iga', v.at, Math.max(0.1, 0.4 + noise(0.1) + (1 - a) * 0.9), { low: 0.7, high: 3.7 });
      lab('lab:igm', v.at, Math.max(0.1, 0.2 + noise(0.05) + (1 - a) * 0.3), { low: 0.4, high: 2.3 });
    }
  }
  // The FHIR query asks for newest first (_sort=-date); answer in that order.
  observations.reverse();
  if (opts.maxObservations !== undefined) observations.length = Math.min(observations.length, opts.maxObservations);

  // ---- MedicationRequests
  const medicationRequests: MedicationRequest[] = [];
  const mr = (
    drug: string,
    at: Date,
    status: MedicationRequest['status'],
    dose: { value: number; unit: string; text: string; frequency: number; period: number; periodUnit: 'd' | 'wk' },
    days?: number,
  ) => {
    const codings = codes.codings(drug, ['atc', 'rxnorm']);
    medicationRequests.push({
      resourceType: 'MedicationRequest',
      id: `bench-mr-${medicationRequests.length + 1}`,
      status,
      intent: 'order',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code: 'outpatient' }] }],
      medicationCodeableConcept: { coding: codings, text: codes.display(drug) },
      subject,
      authoredOn: iso(at),
      requester: { reference: 'Practitioner/bench-haematologist' },
      dosageInstruction: [
        {
          text: dose.text,
          timing: { repeat: { frequency: dose.frequency, period: dose.period, periodUnit: dose.periodUnit } },
          doseAndRate: [{ doseQuantity: { value: dose.value, unit: dose.unit, system: UCUM, code: dose.unit } }],
        },
      ],
      ...(days
        ? { dispenseRequest: { validityPeriod: { start: day(at), end: day(new Date(at.getTime() + days * DAY_MS)) } } }
        : {}),
    });
  };
  const mg = (value: number, text: string, frequency = 1, period = 1, periodUnit: 'd' | 'wk' = 'd') => ({
    value,
    unit: 'mg',
    text,
    frequency,
    period,
    periodUnit,
  });

  // Induction VRd, four 21-day cycles.
  for (let c = 0; c < 4; c++) {
    const at = monthAt(c * 0.69);
    mr('drug:bortezomib', at, 'completed', mg(2.5, 'Bortezomib 1.3 mg/m2 s.c. days 1, 4, 8, 11', 4, 3, 'wk'), 21);
    mr('drug:lenalidomide', at, 'completed', mg(25, 'Lenalidomide 25 mg days 1-14'), 21);
    mr('drug:dexamethasone', at, 'completed', mg(20, 'Dexamethasone 20 mg days 1, 2, 4, 5, 8, 9, 11, 12', 8, 3, 'wk'), 21);
  }
  mr('drug:valaciclovir', monthAt(0), 'completed', mg(250, 'Valaciclovir 250 mg twice daily', 2), 240);
  mr('drug:acetylsalicylic-acid', monthAt(0), 'completed', mg(75, 'ASA 75 mg daily'), 150);
  // Mobilisation, harvest and high-dose melphalan with autologous rescue.
  mr('drug:cyclophosphamide', monthAt(5), 'completed', mg(3600, 'Cyclophosphamide 2 g/m2 once'), 1);
  mr('drug:filgrastim', monthAt(5.1), 'completed', { value: 480, unit: 'ug', text: 'Filgrastim 480 microgram daily', frequency: 1, period: 1, periodUnit: 'd' }, 10);
  mr('drug:melphalan', monthAt(5.8), 'completed', mg(360, 'Melphalan 200 mg/m2 once'), 1);
  mr('drug:sulfamethoxazole-trimethoprim', monthAt(5.8), 'completed', mg(960, 'Trimethoprim-sulfa 960 mg Mon/Wed/Fri', 3, 1, 'wk'), 90);
  mr('drug:fluconazole', monthAt(5.8), 'completed', mg(200, 'Fluconazole 200 mg daily'), 21);
  mr('drug:valaciclovir', monthAt(5.8), 'completed', mg(250, 'Valaciclovir 250 mg twice daily', 2), 365);
  // Lenalidomide maintenance, renewed every few months, stopped at relapse.
  for (let k = 0; k < 5; k++) {
    mr('drug:lenalidomide', monthAt(7 + k * 6.6), k === 4 ? 'stopped' : 'completed', mg(10, 'Lenalidomide 10 mg days 1-21 of 28'), 140);
  }
  mr('drug:zoledronic-acid', monthAt(0.2), 'completed', mg(4, 'Zoledronic acid 4 mg i.v. every 4 weeks', 1, 4, 'wk'), 365);
  mr('drug:zoledronic-acid', monthAt(12.5), 'stopped', mg(4, 'Zoledronic acid 4 mg i.v. every 12 weeks', 1, 12, 'wk'), 730);
  mr('drug:calcium-carbonate', monthAt(0.2), 'active', mg(1000, 'Calcium 1000 mg daily'));
  mr('drug:colecalciferol', monthAt(0.2), 'active', { value: 20, unit: 'ug', text: 'Colecalciferol 20 microgram daily', frequency: 1, period: 1, periodUnit: 'd' });
  // Second line at relapse: daratumumab, pomalidomide, dexamethasone.
  mr('drug:carfilzomib', monthAt(44.6), 'cancelled', mg(50, 'Carfilzomib 27 mg/m2 (regimen changed)'), 28);
  mr('drug:bortezomib', monthAt(44.7), 'entered-in-error', mg(2.5, 'Bortezomib (wrong patient)'), 28);
  mr('drug:daratumumab', monthAt(45), 'active', mg(1800, 'Daratumumab 1800 mg s.c. weekly, then every 2 then 4 weeks', 1, 1, 'wk'), 365);
  for (let c = 0; c < 3; c++) {
    mr('drug:pomalidomide', monthAt(45 + c * 0.92), c === 2 ? 'active' : 'completed', mg(4, 'Pomalidomide 4 mg days 1-21 of 28'), 28);
  }
  mr('drug:dexamethasone', monthAt(45), 'active', mg(20, 'Dexamethasone 20 mg weekly (age > 75 reduced)', 1, 1, 'wk'), 365);
  mr('drug:valaciclovir', monthAt(45), 'active', mg(250, 'Valaciclovir 250 mg twice daily', 2), 365);
  mr('drug:acetylsalicylic-acid', monthAt(45), 'active', mg(75, 'ASA 75 mg daily'), 365);
  mr('drug:immunoglobulin-normal-human', monthAt(50), 'on-hold', { value: 400, unit: 'mg/kg', text: 'IVIG 0.4 g/kg monthly if recurrent infections', frequency: 1, period: 4, periodUnit: 'wk' }, 180);
  mr('drug:denosumab', monthAt(45.2), 'active', mg(120, 'Denosumab 120 mg s.c. every 4 weeks', 1, 4, 'wk'), 365);

  // ---- Conditions
  const conditions: Condition[] = [];
  const cond = (coding: Coding[], text: string, onsetMonth: number, clinical: 'active' | 'resolved' | 'remission', abatementMonth?: number) => {
    conditions.push({
      resourceType: 'Condition',
      id: `bench-cond-${conditions.length + 1}`,
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: clinical }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
      code: { coding, text },
      subject,
      onsetDateTime: day(monthAt(onsetMonth)),
      recordedDate: day(monthAt(Math.max(0, onsetMonth) + 0.05)),
      ...(abatementMonth !== undefined ? { abatementDateTime: day(monthAt(abatementMonth)) } : {}),
    });
  };
  const icd = (code: string, display: string): Coding => ({ system: ICD10, code, display });
  cond([...codes.codings('cond:multiple-myeloma', ['icd10', 'sct'])], 'Multiple myeloma, IgG kappa', 0, 'active');
  cond([icd('I10', 'Essential (primary) hypertension')], 'Hypertension', -60, 'active');
  cond([icd('E11.9', 'Type 2 diabetes mellitus without complications')], 'Type 2 diabetes', -30, 'active');
  cond([icd('N18.3', 'Chronic kidney disease, stage 3')], 'CKD stage 3', 0.1, 'active');
  cond([icd('D63.0', 'Anaemia in neoplastic disease')], 'Anaemia in myeloma', 0, 'resolved', 6);
  cond([icd('G62.0', 'Drug-induced polyneuropathy')], 'Bortezomib neuropathy grade 1', 3, 'active');
  cond([icd('M80.08', 'Postmenopausal osteoporosis with pathological fracture, vertebra')], 'Vertebral compression fracture', 0, 'active');
  cond([icd('I82.4', 'Embolism and thrombosis of deep veins of lower extremity')], 'DVT during lenalidomide', 2.5, 'resolved', 8);
  cond([icd('J18.9', 'Pneumonia, unspecified organism')], 'Pneumonia', 47, 'resolved', 48);
  cond([icd('B02.9', 'Zoster without complications')], 'Herpes zoster (before prophylaxis)', -12, 'resolved', -11);

  // ---- Procedures: the harvest and the transplant the record would hold.
  const procedure = (conceptCodes: Coding[], text: string, month: number): Procedure => ({
    resourceType: 'Procedure',
    id: `bench-proc-${text.toLowerCase().replace(/[^a-z]+/g, '-')}`,
    status: 'completed',
    code: { coding: conceptCodes, text },
    subject,
    performedDateTime: iso(monthAt(month)),
  });
  const procedures: Procedure[] = [
    procedure([{ system: LOCAL, code: 'stem-cell-apheresis' }], 'Stem cell apheresis', 5.4),
    procedure([{ system: LOCAL, code: 'hmas' }, { system: SCT, code: '234336002' }], 'High-dose melphalan with autologous stem cell support', 5.9),
  ];

  const byType: Record<string, Resource[]> = {
    Patient: [patient],
    Observation: observations,
    MedicationRequest: medicationRequests,
    Condition: conditions,
    Procedure: procedures,
  };
  const counts: Record<string, number> = {};
  for (const [type, list] of Object.entries(byType)) counts[type] = list.length;
  return { patientId, byType, counts };
}

/** A FHIR searchset Bundle of the given resources, as a FHIR server returns it. */
export function searchset(resources: Resource[], selfUrl: string, base = 'http://bench.invalid/fhir'): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: `${base}/${selfUrl}` }],
    entry: resources.map((resource) => ({
      fullUrl: `${base}/${resource.resourceType}/${resource.id ?? ''}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

/** The resource type a prefetch template or FHIR query asks for (`Observation?…`, `Patient/{id}`). */
export function resourceTypeOf(query: string): string {
  return query.replace(/^\/+/, '').split(/[/?]/)[0] ?? '';
}

/** The answer to one FHIR query: a read of Patient/{id}, or a searchset for every other type. */
export function answer(hp: HeavyPatient, query: string): Resource | undefined {
  const type = resourceTypeOf(query);
  if (type === 'Patient' && !query.includes('?')) {
    const id = decodeURIComponent(query.replace(/^\/+/, '').split(/[/?]/)[1] ?? '');
    return id === hp.patientId ? hp.byType.Patient?.[0] : undefined;
  }
  return searchset(hp.byType[type] ?? [], query);
}

/**
 * Full prefetch for a service's templates (keys exactly as discovery lists them), as an EHR that
 * honours every template would send it.
 */
export function fullPrefetch(hp: HeavyPatient, templates: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(templates)) {
    const query = template.replace(/\{\{context\.patientId\}\}/g, encodeURIComponent(hp.patientId));
    out[key] = answer(hp, query) ?? null;
  }
  return out;
}

/** Five draft orders of a second-line regimen change plus a stem cell harvest, for order-sign. */
export function draftOrders(hp: HeavyPatient, asOf: string): Bundle {
  const codes = new Codes();
  const subject = { reference: `Patient/${hp.patientId}` };
  const authoredOn = `${asOf}T09:30:00+00:00`;
  const med = (id: string, drug: string, value: number, text: string): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    medicationCodeableConcept: { coding: codes.codings(drug, ['atc', 'rxnorm']), text: codes.display(drug) },
    subject,
    authoredOn,
    dosageInstruction: [{ text, doseAndRate: [{ doseQuantity: { value, unit: 'mg', system: UCUM, code: 'mg' } }] }],
  });
  const apheresis: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id: 'draft-5',
    status: 'draft',
    intent: 'order',
    code: { coding: [{ system: LOCAL, code: 'stem-cell-apheresis' }], text: 'Stem cell apheresis' },
    subject,
    authoredOn,
    occurrenceDateTime: `${asOf}T08:00:00+00:00`,
  };
  const orders: Resource[] = [
    med('draft-1', 'drug:bortezomib', 2.5, 'Bortezomib 1.3 mg/m2 s.c. days 1, 4, 8, 11'),
    med('draft-2', 'drug:lenalidomide', 25, 'Lenalidomide 25 mg days 1-14'),
    med('draft-3', 'drug:dexamethasone', 20, 'Dexamethasone 20 mg days 1, 2, 4, 5, 8, 9, 11, 12'),
    med('draft-4', 'drug:daratumumab', 1800, 'Daratumumab 1800 mg s.c. weekly'),
    apheresis,
  ];
  return { resourceType: 'Bundle', type: 'collection', entry: orders.map((resource) => ({ resource })) };
}
