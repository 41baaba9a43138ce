import { pino, type Logger, type DestinationStream } from 'pino';

// Logs carry no PHI: no patient ids, no tokens, no FHIR content, no request bodies. Call sites log
// only ids we own (service id, hookInstance, rule ids, card uuids), the client `iss`, timings and
// status codes. Redaction is a second line of defence against a careless call site, not the plan.
const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'access_token',
  '*.access_token',
  'fhirAuthorization',
  '*.fhirAuthorization',
  'prefetch',
  '*.prefetch',
  'context',
  '*.context',
  'body',
  '*.body',
  'patientId',
  '*.patientId',
  'token',
  '*.token',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'heme-cds' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };
