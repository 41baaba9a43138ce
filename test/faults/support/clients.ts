import { randomUUID } from 'node:crypto';

// Request bodies shared by the fault tests.

/** A patient-view call that needs no FHIR server: every prefetch key says "no data". */
export function offlineHookBody(hookInstance = randomUUID()) {
  return {
    hook: 'patient-view',
    hookInstance,
    context: { userId: 'Practitioner/x', patientId: 'pat-fault' },
    prefetch: {
      patient: { resourceType: 'Patient', id: 'pat-fault', birthDate: '1950-01-01' },
      conditions: null,
      observations: null,
      'observations-2': null,
      medicationRequests: null,
      medicationStatements: null,
      medicationAdministrations: null,
      procedures: null,
      serviceRequests: null,
      immunizations: null,
    },
  };
}

export function feedbackBody(card = randomUUID()) {
  return { feedback: [{ card, outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed };
}
