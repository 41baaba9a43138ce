import type { Response } from 'express';

// Error bodies are short and client-safe: a message and, for validation errors, the failing
// JSON paths (never the values, which may be PHI). CDS Hooks 2.0 leaves error bodies free-form;
// we use an OperationOutcome-compatible shape so 3.0 clients can read it too.
export function sendError(res: Response, status: number, message: string, details: string[] = []): void {
  if (res.headersSent) return;
  res.status(status).json({
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: status === 401 ? 'login' : status === 404 ? 'not-found' : status === 412 ? 'incomplete' : status >= 500 ? 'exception' : 'invalid',
        diagnostics: message,
        ...(details.length > 0 ? { expression: details.slice(0, 20) } : {}),
      },
    ],
  });
}
