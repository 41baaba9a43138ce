// FHIR R4 builders for the regimen-safety rule tests: drug code variants (ATC under both system
// URIs, RxNorm only, a contained Medication) run through the real snapshot builder and terminology.
// Not a test file itself.

import type { Resource } from '@medplum/fhirtypes';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { Terminology } from '../../terminology/types.js';
import type { DataDomain, PatientSnapshot } from '../../types.js';

export const PID = 'pt-1';
const ATC_WHO = 'http://www.whocc.no/atc';
const ATC_OID = 'urn:oid:2.16.578.1.12.4.1.1.7180';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

let terminology: Terminology | undefined;

export type CodeVariant = 'atc-who' | 'atc-oid' | 'rxnorm' | 'contained';
export const CODE_VARIANTS: readonly CodeVariant[] = ['atc-who', 'atc-oid', 'rxnorm', 'contained'];

export interface DrugCodes {
  atc: string;
  rxnorm: string;
  /** Text that no terminology text rule would match, so only the code can match. */
  text: string;
}

function codingFor(codes: DrugCodes, variant: CodeVariant): { coding: { system: string; code: string }[]; text: string } {
  const coding = variant === 'rxnorm' ? [{ system: RXNORM, code: codes.rxnorm }] : [{ system: variant === 'atc-oid' ? ATC_OID : ATC_WHO, code: codes.atc }];
  return { coding, text: codes.text };
}

/** A MedicationRequest (or Administration) whose drug is coded in `variant`. */
export function medicationResource(
  resourceType: 'MedicationRequest' | 'MedicationAdministration' | 'MedicationStatement',
  id: string,
  codes: DrugCodes,
  variant: CodeVariant,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  const concept = codingFor(codes, variant);
  const drug =
    variant === 'contained'
      ? {
          contained: [{ resourceType: 'Medication', id: 'med', code: { coding: [{ system: ATC_WHO, code: codes.atc }], text: codes.text } }],
          medicationReference: { reference: '#med' },
        }
      : { medicationCodeableConcept: concept };
  const base: Record<string, unknown> =
    resourceType === 'MedicationRequest'
      ? { status: 'draft', intent: 'order', subject: { reference: `Patient/${PID}` } }
      : resourceType === 'MedicationAdministration'
        ? { status: 'completed', subject: { reference: `Patient/${PID}` } }
        : { status: 'active', subject: { reference: `Patient/${PID}` } };
  return { resourceType, id, ...base, ...drug, ...more };
}

export function fhirSnapshot(
  parts: { drafts?: unknown[]; resources?: Partial<Record<DataDomain, unknown[]>>; selections?: string[]; patient?: Record<string, unknown> },
  now: Date,
): PatientSnapshot {
  terminology ??= loadTerminology();
  const input: SnapshotInput = {
    patientId: PID,
    ...(parts.patient ? { patient: { resourceType: 'Patient', id: PID, ...parts.patient } } : {}),
    resources: (parts.resources ?? {}) as Partial<Record<DataDomain, Resource[]>>,
    medications: [],
    draftOrders: (parts.drafts ?? []) as Resource[],
    ...(parts.selections ? { selections: parts.selections } : {}),
    unavailable: [],
  };
  return buildSnapshot(input, terminology, now);
}

/** The first action's resource of every suggestion on a rendered card, as a draft order would carry it. */
export function suggestedResources(card: { suggestions?: { actions?: { type: string; resource?: unknown; resourceId?: string }[] }[] } | undefined): {
  type: string;
  resource?: unknown;
  resourceId?: string;
}[] {
  return (card?.suggestions ?? []).flatMap((s) => (s.actions ?? []).slice(0, 1));
}

export const DRUG_CODES = {
  belantamab: { atc: 'L01FX15', rxnorm: '2387834', text: 'Produkt A' },
  teclistamab: { atc: 'L01FX24', rxnorm: '2619426', text: 'Produkt B' },
  elranatamab: { atc: 'L01FX32', rxnorm: '2644880', text: 'Produkt C' },
  talquetamab: { atc: 'L01FX29', rxnorm: '2644447', text: 'Produkt D' },
  linvoseltamab: { atc: 'L01FX37', rxnorm: '2719416', text: 'Produkt E' },
  venetoclax: { atc: 'L01XX52', rxnorm: '1747556', text: 'Produkt F' },
  daratumumab: { atc: 'L01FC01', rxnorm: '1721947', text: 'Produkt G' },
} as const satisfies Record<string, DrugCodes>;

/** Drug specs for the snapshot factory (`medication`, `draftOrder`), concepts as the terminology matches them. */
export const SPECS = {
  belantamab: { display: 'Belantamab mafodotin', concepts: ['drug:belantamab-mafodotin', 'class:bcma-directed'] },
  teclistamab: { display: 'Teklistamab', concepts: ['drug:teclistamab', 'class:bcma-directed', 'class:bispecific'] },
  elranatamab: { display: 'Elranatamab', concepts: ['drug:elranatamab', 'class:bcma-directed', 'class:bispecific'] },
  talquetamab: { display: 'Talquetamab', concepts: ['drug:talquetamab', 'class:gprc5d-directed', 'class:bispecific'] },
  linvoseltamab: { display: 'Linvoseltamab', concepts: ['drug:linvoseltamab', 'class:bcma-directed', 'class:bispecific'] },
  venetoclax: { display: 'Venetoklaks', concepts: ['drug:venetoclax'] },
  isatuximab: { display: 'Isatuksimab', concepts: ['drug:isatuximab', 'class:cd38-antibody'] },
  dexamethasone: { display: 'Deksametason', concepts: ['drug:dexamethasone'] },
  cetirizine: { display: 'Cetirizin', concepts: ['drug:cetirizine'] },
  paracetamol: { display: 'Paracetamol', concepts: ['drug:paracetamol'] },
  tocilizumab: { display: 'Tocilizumab', concepts: ['drug:tocilizumab'] },
  hypromellose: { display: 'Hypromellose øyedråper', concepts: ['drug:hypromellose-eye-drops'] },
  artificialTears: { display: 'Kunstige tårer', concepts: ['drug:artificial-tears'] },
  influenzaVaccine: { display: 'Influensavaksine', concepts: ['drug:vaccine-influenza-inactivated', 'class:vaccine'] },
} as const;
