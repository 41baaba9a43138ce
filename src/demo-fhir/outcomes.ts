import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

type IssueCode = OperationOutcomeIssue['code'];

export function operationOutcome(code: IssueCode, text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] };
}

/** A request the demo server refuses, with the HTTP status and the OperationOutcome to send. */
export class DemoFhirError extends Error {
  readonly status: number;
  readonly outcome: OperationOutcome;

  constructor(status: number, outcome: OperationOutcome) {
    super(outcome.issue[0]?.diagnostics ?? outcome.issue[0]?.details?.text ?? 'FHIR request failed');
    this.name = 'DemoFhirError';
    this.status = status;
    this.outcome = outcome;
  }
}

export function fhirError(status: number, code: IssueCode, text: string): DemoFhirError {
  return new DemoFhirError(status, operationOutcome(code, text));
}

export function badRequest(text: string): DemoFhirError {
  return fhirError(400, 'invalid', text);
}

export function notSupported(text: string): DemoFhirError {
  return fhirError(400, 'not-supported', text);
}

export function notFound(text: string): DemoFhirError {
  return fhirError(404, 'not-found', text);
}
