import { OperationOutcomeError, badRequest as invalidOutcome, getStatus } from '@medplum/core';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

// The demo server's refusals, built on @medplum/core's OperationOutcome helpers and error class
// (the text goes in `details.text`, as Medplum writes it).

type IssueCode = OperationOutcomeIssue['code'];

/** An OperationOutcome for an issue code Medplum has no helper for. */
export function operationOutcome(code: IssueCode, text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] };
}

/** A request the demo server refuses, with the HTTP status and the OperationOutcome to send. */
export class DemoFhirError extends OperationOutcomeError {
  readonly status: number;

  constructor(status: number, outcome: OperationOutcome) {
    super(outcome);
    this.name = 'DemoFhirError';
    this.status = status;
  }
}

export function fhirError(status: number, code: IssueCode, text: string): DemoFhirError {
  return new DemoFhirError(status, operationOutcome(code, text));
}

export function badRequest(text: string): DemoFhirError {
  const outcome = invalidOutcome(text);
  return new DemoFhirError(getStatus(outcome), outcome);
}

export function notSupported(text: string): DemoFhirError {
  return fhirError(400, 'not-supported', text);
}

export function notFound(text: string): DemoFhirError {
  return fhirError(404, 'not-found', text);
}
