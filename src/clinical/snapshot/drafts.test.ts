import { loadTerminology } from '../terminology/concepts.js';
import { buildSnapshot } from './build.js';
import type { SnapshotInput } from './input.js';

const terminology = loadTerminology();
const NOW = new Date('2025-06-15T10:00:00Z');
const PID = 'p1';
const ATC = 'http://www.whocc.no/atc';

function snapshotWithDrafts(draftOrders: unknown[], selections?: string[], medications: unknown[] = []) {
  return buildSnapshot(
    {
      patientId: PID,
      resources: {},
      medications: medications as unknown as SnapshotInput['medications'],
      draftOrders: draftOrders as unknown as SnapshotInput['draftOrders'],
      ...(selections ? { selections } : {}),
      unavailable: [],
    },
    terminology,
    NOW,
  );
}

const imatinibDraft = {
  resourceType: 'MedicationRequest',
  id: 'd1',
  status: 'draft',
  intent: 'proposal',
  subject: { reference: `Patient/${PID}` },
  medicationCodeableConcept: { coding: [{ system: ATC, code: 'L01EA01', display: 'Imatinib' }] },
};
const stu3Draft = {
  // STU3 MedicationRequest without intent; medication by reference to a bundled Medication.
  resourceType: 'MedicationRequest',
  id: 'd2',
  status: 'draft',
  subject: { reference: `Patient/${PID}` },
  medicationReference: { reference: 'Medication/ropeg' },
};
const serviceDraft = {
  resourceType: 'ServiceRequest',
  id: 'd3',
  status: 'draft',
  intent: 'order',
  subject: { reference: `Patient/${PID}` },
  code: { coding: [{ system: 'urn:heme-cds:local', code: 'stem-cell-apheresis' }], text: 'Stamcellehøsting' },
  occurrenceDateTime: '2025-07-01',
};
const dstu2Draft = {
  resourceType: 'MedicationOrder',
  id: 'd4',
  status: 'draft',
  patient: { reference: `Patient/${PID}` },
  medicationCodeableConcept: { text: 'Dasatinib 100 mg' },
};

describe('draft orders', () => {
  it('reads medication and service drafts of any version, all in focus without selections', () => {
    const ropeg = { resourceType: 'Medication', id: 'ropeg', code: { coding: [{ system: ATC, code: 'L03AB15' }], text: 'Besremi' } };
    const snapshot = snapshotWithDrafts([imatinibDraft, stu3Draft, serviceDraft, dstu2Draft], undefined, [ropeg]);
    expect(snapshot.draftOrders.map((d) => [d.ref, d.inFocus])).toEqual([
      ['MedicationRequest/d1', true],
      ['MedicationRequest/d2', true],
      ['ServiceRequest/d3', true],
      ['MedicationOrder/d4', true],
    ]);
    expect(snapshot.draftOrders[0]?.medication).toMatchObject({ source: 'draft', ref: 'MedicationRequest/d1', concepts: ['drug:imatinib', 'class:tki-cml'] });
    expect(snapshot.draftOrders[1]?.medication?.concepts).toEqual(['drug:ropeginterferon-alfa-2b', 'class:alpha-interferon']);
    expect(snapshot.draftOrders[1]?.display).toBe('Besremi');
    expect(snapshot.draftOrders[2]?.procedure).toMatchObject({ source: 'draft', concepts: ['proc:stem-cell-apheresis'], display: 'Stamcellehøsting' });
    expect(snapshot.draftOrders[3]?.medication?.concepts).toEqual(['drug:dasatinib', 'class:tki-cml']);
    // Drafts are not medications on record.
    expect(snapshot.medications).toEqual([]);
  });

  it('puts only the selected drafts in focus', () => {
    const snapshot = snapshotWithDrafts([imatinibDraft, serviceDraft], ['ServiceRequest/d3']);
    expect(snapshot.draftOrders.map((d) => d.inFocus)).toEqual([false, true]);
  });

  it('drops a draft for another patient', () => {
    const foreign = { ...imatinibDraft, id: 'x', subject: { reference: 'Patient/p2' } };
    const snapshot = snapshotWithDrafts([foreign, serviceDraft]);
    expect(snapshot.draftOrders.map((d) => d.ref)).toEqual(['ServiceRequest/d3']);
  });
});
