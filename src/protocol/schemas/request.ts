import type { SchemaObject, ValidateFunction } from 'ajv';
import { isRecord } from '../../type-guards.js';
import { ajv, describeErrors, result } from './ajv.js';
import type { ValidationResult } from './ajv.js';

// Hook request bodies (CDS Hooks 2.0 §Calling a CDS Service, hook tables of the CDS Hooks Library
// 1.0.1). Decisions where the spec leaves room (see cds-hooks-conformance.md §7):
// - hookInstance: a UUID, as CDS Hooks 2.0 says (a 400 otherwise). It is stored in the audit, and a
//   free string let one request carry text the database refuses (issue 13).
// - token_type: `Bearer` in any letter case (RFC 6749 §5.1 makes token types case-insensitive);
//   we always send `Bearer` ourselves. Anything else (e.g. `MAC`) is a 400 (B19).
// - fhirServer: absolute http(s) URL. Whether plain http is allowed is a deployment decision,
//   enforced by the caller, not the schema.
// - context.userId: REQUIRED and a 400 when missing, on every hook (the hook tables say REQUIRED;
//   B11 rates it W). Its `Type/id` form is not enforced: it only feeds the user prefetch tokens.
// - patientId / encounterId: bare FHIR ids. `Patient/123` is a 400 rather than being normalised, so
//   a malformed id can never select data for a different patient (B12).
// - prefetch values: a resource object or null. A string or number is a 400 (B16 allows it); an
//   object that is not a resource is left to the prefetch resolver, which fetches instead.
// - explicit null for optional fields is a 400 (B27), since the spec forbids null values.
// - scope/subject/patient in fhirAuthorization: only typed, never used by us beyond the token.
// - unknown context fields and unknown top-level fields are ignored (hooks add OPTIONAL fields in
//   minor versions; 3.0 adds top-level fields).
// - draftOrders: a Bundle with at least one entry, each holding a resource with a resourceType.
//   Bundle.type and R4-required fields such as MedicationRequest.intent are not required: the
//   CDS Hooks sandbox sends DSTU2/STU3 shapes without them.

export type HookName = 'patient-view' | 'order-select' | 'order-sign';

export const HOOK_NAMES: readonly HookName[] = ['patient-view', 'order-select', 'order-sign'];

/** A bare FHIR id (FHIR R4 §2.24.0.1 `id` datatype). */
export const FHIR_ID_PATTERN = '^[A-Za-z0-9\\-\\.]{1,64}$';
/** A relative reference `Type/id`. */
export const RELATIVE_REFERENCE_PATTERN = '^[A-Za-z]{1,64}/[A-Za-z0-9\\-\\.]{1,64}$';

/** Bounds on client-sized arrays: far above any real ordering session, low enough to stay cheap. */
const MAX_DRAFT_ORDERS = 500;

const fhirId = { type: 'string', pattern: FHIR_ID_PATTERN } as const;

const fhirAuthorization = {
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in', 'scope', 'subject'],
  properties: {
    access_token: { type: 'string', minLength: 1 },
    token_type: { type: 'string', pattern: '^[Bb][Ee][Aa][Rr][Ee][Rr]$' },
    expires_in: { type: 'integer', minimum: 0 },
    scope: { type: 'string' },
    subject: { type: 'string' },
    patient: { type: 'string' },
  },
} as const;

const draftOrders = {
  type: 'object',
  required: ['resourceType', 'entry'],
  properties: {
    resourceType: { type: 'string', const: 'Bundle' },
    type: { type: 'string' },
    entry: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_DRAFT_ORDERS,
      items: {
        type: 'object',
        required: ['resource'],
        properties: {
          resource: {
            type: 'object',
            required: ['resourceType'],
            properties: {
              resourceType: { type: 'string', pattern: '^[A-Z][A-Za-z]{1,63}$' },
              id: { type: 'string', minLength: 1 },
            },
          },
        },
      },
    },
  },
} as const;

const baseContextProperties = {
  userId: { type: 'string', minLength: 1, maxLength: 256 },
  patientId: fhirId,
  encounterId: fhirId,
} as const;

const contextByHook = {
  'patient-view': {
    type: 'object',
    required: ['userId', 'patientId'],
    properties: baseContextProperties,
  },
  'order-select': {
    type: 'object',
    required: ['userId', 'patientId', 'selections', 'draftOrders'],
    properties: {
      ...baseContextProperties,
      selections: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_DRAFT_ORDERS,
        items: { type: 'string', pattern: RELATIVE_REFERENCE_PATTERN },
      },
      draftOrders,
    },
  },
  // `selections` is not an order-sign field; if a client sends it anyway it is ignored.
  'order-sign': {
    type: 'object',
    required: ['userId', 'patientId', 'draftOrders'],
    properties: { ...baseContextProperties, draftOrders },
  },
} as const;

function requestSchema(hook: HookName): SchemaObject {
  return {
    type: 'object',
    required: ['hook', 'hookInstance', 'context'],
    properties: {
      hook: { type: 'string', const: hook },
      hookInstance: { type: 'string', format: 'uuid' },
      fhirServer: { type: 'string', maxLength: 2048, format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+' },
      fhirAuthorization,
      context: contextByHook[hook],
      prefetch: {
        type: 'object',
        additionalProperties: { anyOf: [{ type: 'object' }, { type: 'null' }] },
      },
      extension: { type: 'object' },
    },
    // cds-r-1: a token is useless, and dangerous to hold, without the server it belongs to.
    dependentRequired: { fhirAuthorization: ['fhirServer'] },
  };
}

const requestValidators: Record<HookName, ValidateFunction> = {
  'patient-view': ajv.compile(requestSchema('patient-view')),
  'order-select': ajv.compile(requestSchema('order-select')),
  'order-sign': ajv.compile(requestSchema('order-sign')),
};

/**
 * Every `context.selections` item must name a `draftOrders` entry (order-select hook definition;
 * Inferno checks it too). JSON Schema cannot relate two arrays, hence code. Call only on a body
 * that passed the schema; anything else yields no errors rather than a crash.
 */
export function checkSelectionsInDraftOrders(body: unknown): string[] {
  if (!isRecord(body) || !isRecord(body.context)) return [];
  const { selections, draftOrders: bundle } = body.context;
  if (!Array.isArray(selections) || !isRecord(bundle) || !Array.isArray(bundle.entry)) return [];
  const drafts = new Set<string>();
  for (const entry of bundle.entry) {
    if (!isRecord(entry) || !isRecord(entry.resource)) continue;
    const { resourceType, id } = entry.resource;
    if (typeof resourceType === 'string' && typeof id === 'string') drafts.add(`${resourceType}/${id}`);
  }
  const errors: string[] = [];
  selections.forEach((s, i) => {
    if (typeof s === 'string' && !drafts.has(s)) {
      errors.push(`/context/selections/${i} must reference a resource in context.draftOrders`);
    }
  });
  return errors;
}

export function validateHookRequest(hook: HookName, body: unknown): ValidationResult {
  const validate = requestValidators[hook];
  if (!validate(body)) return result(describeErrors(validate.errors));
  if (hook === 'order-select') return result(checkSelectionsInDraftOrders(body));
  return { ok: true };
}

/** The shape a body has once validateHookRequest accepted it (fields the service reads). */
export interface HookRequest {
  hook: HookName;
  hookInstance: string;
  fhirServer?: string;
  fhirAuthorization?: {
    access_token: string;
    token_type: string;
    expires_in: number;
    scope: string;
    subject: string;
    patient?: string;
  };
  context: {
    userId: string;
    patientId: string;
    encounterId?: string;
    /** order-select only. */
    selections?: string[];
    /** order-select and order-sign. */
    draftOrders?: { resourceType: 'Bundle'; type?: string; entry: { resource: { resourceType: string; id?: string } }[] };
    [field: string]: unknown;
  };
  prefetch?: Record<string, Record<string, unknown> | null>;
  extension?: Record<string, unknown>;
}
