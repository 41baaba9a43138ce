import type { SchemaObject } from 'ajv';
import { isRecord } from '../../type-guards.js';
import { ajv, describeErrors, findEmptyValues, pointer, result } from './ajv.js';
import type { ValidationResult } from './ajv.js';
import { FHIR_ID_PATTERN } from './request.js';

// What we send: the CDS Hooks 2.0 card response (§CDS Service Response, cds-hooks-conformance.md
// §3, checks R01-R13) and the discovery document (§1, D02-D03). Strict on purpose: tests run every
// response we produce through these, so a malformed card fails a test instead of an EHR.

const nonEmpty = { type: 'string', minLength: 1 } as const;
/** Source and link URLs are shown or opened by the EHR, so only absolute http(s) with a host. */
const httpUrl = { type: 'string', format: 'uri', pattern: '^https?://[^/?#\\s]+' } as const;
const extension = { type: 'object' } as const;

const coding = {
  type: 'object',
  required: ['system', 'code'],
  properties: { system: nonEmpty, code: nonEmpty, display: nonEmpty },
} as const;

/** cds-resp-4: an override reason is shown to the user, so it needs its display text. */
const overrideReasonCoding = {
  type: 'object',
  required: ['system', 'code', 'display'],
  properties: { system: nonEmpty, code: nonEmpty, display: nonEmpty },
} as const;

// strictRequired wants every `required` name declared beside it, also inside if/then/not; `{}`
// declares a property without constraining it again.
const action: SchemaObject = {
  type: 'object',
  required: ['type', 'description'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: ['create', 'update', 'delete'] },
    description: nonEmpty,
    resource: {
      type: 'object',
      required: ['resourceType'],
      properties: { resourceType: { type: 'string', pattern: '^[A-Z][A-Za-z]{1,63}$' } },
    },
    resourceId: { type: 'string', pattern: '^[A-Za-z]+/[A-Za-z0-9\\-\\.]+$' },
    extension,
  },
  allOf: [
    {
      if: { required: ['type'], properties: { type: { const: 'create' } } },
      then: { required: ['resource'], properties: { resource: {} } },
    },
    {
      // An update replaces the whole resource, so it must say which one.
      if: { required: ['type'], properties: { type: { const: 'update' } } },
      then: {
        required: ['resource'],
        properties: {
          resource: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: FHIR_ID_PATTERN } } },
        },
      },
    },
    {
      // cds-resp-2: delete names its target by resourceId; `resource` for that is deprecated.
      if: { required: ['type'], properties: { type: { const: 'delete' } } },
      then: { required: ['resourceId'], properties: { resourceId: {} }, not: { required: ['resource'], properties: { resource: {} } } },
    },
  ],
};

const suggestion = {
  type: 'object',
  required: ['label'],
  additionalProperties: false,
  properties: {
    label: nonEmpty,
    uuid: { type: 'string', format: 'uuid' },
    isRecommended: { type: 'boolean' },
    actions: { type: 'array', minItems: 1, items: action },
    extension,
  },
} as const;

const link = {
  type: 'object',
  required: ['label', 'url', 'type'],
  additionalProperties: false,
  properties: {
    label: nonEmpty,
    url: httpUrl,
    type: { type: 'string', enum: ['absolute', 'smart'] },
    appContext: nonEmpty,
    autolaunchable: { type: 'boolean' },
    extension,
  },
  // cds-resp-3: appContext is only meaningful for a SMART launch.
  if: { required: ['appContext'], properties: { appContext: {} } },
  then: { properties: { type: { const: 'smart' } } },
} as const;

const source = {
  type: 'object',
  required: ['label'],
  additionalProperties: false,
  properties: { label: nonEmpty, url: httpUrl, icon: httpUrl, topic: coding, extension },
} as const;

const card = {
  type: 'object',
  required: ['summary', 'indicator', 'source'],
  additionalProperties: false,
  properties: {
    uuid: { type: 'string', format: 'uuid' },
    // "one-sentence, <140-character summary"; ajv counts code points, as Inferno does.
    summary: { type: 'string', minLength: 1, maxLength: 139 },
    detail: nonEmpty,
    indicator: { type: 'string', enum: ['info', 'warning', 'critical'] },
    source,
    suggestions: { type: 'array', minItems: 1, items: suggestion },
    selectionBehavior: { type: 'string', enum: ['at-most-one', 'any'] },
    overrideReasons: { type: 'array', minItems: 1, items: overrideReasonCoding },
    links: { type: 'array', minItems: 1, items: link },
    extension,
  },
  // cds-resp-6: a client must know how to combine the suggestions.
  dependentRequired: { suggestions: ['selectionBehavior'] },
} as const;

const cdsResponse = {
  type: 'object',
  required: ['cards'],
  additionalProperties: false,
  properties: {
    cards: { type: 'array', items: card },
    systemActions: { type: 'array', minItems: 1, items: action },
    extension,
  },
} as const;

/** Our own rules on top of the spec (house style, and what Epic needs to act on a suggestion). */
const hemeResponse = {
  type: 'object',
  required: ['cards'],
  properties: {
    cards: {
      type: 'array',
      items: {
        type: 'object',
        // Without uuids the EHR sends no feedback, and the audit cannot join feedback to a card.
        required: ['uuid', 'source'],
        properties: {
          uuid: { type: 'string' },
          source: {
            type: 'object',
            required: ['topic', 'url'],
            properties: {
              url: { type: 'string' },
              topic: {
                type: 'object',
                required: ['system'],
                properties: { system: { type: 'string', const: 'urn:heme-cds:rule' } },
              },
            },
          },
          suggestions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['uuid', 'actions'],
              properties: {
                uuid: { type: 'string' },
                // Epic applies exactly one action per suggestion.
                actions: { type: 'array', minItems: 1, maxItems: 1 },
              },
            },
          },
          selectionBehavior: { type: 'string' },
          // Contract item 9: a merged card lists every rule code it stands for.
          extension: {
            type: 'object',
            properties: {
              'urn:heme-cds:rules': {
                type: 'array',
                minItems: 1,
                uniqueItems: true,
                items: { type: 'string', pattern: '^[a-z0-9]+([.-][a-z0-9]+)*$' },
              },
            },
          },
        },
        if: { required: ['suggestions'], properties: { suggestions: {} } },
        then: { properties: { selectionBehavior: { const: 'any' } } },
      },
    },
  },
} as const;

const discovery = {
  type: 'object',
  required: ['services'],
  additionalProperties: false,
  properties: {
    services: {
      type: 'array',
      items: {
        type: 'object',
        required: ['hook', 'id', 'description'],
        additionalProperties: false,
        properties: {
          hook: nonEmpty,
          // The id is one path segment of {baseUrl}/cds-services/{id}.
          id: { type: 'string', pattern: "^[A-Za-z0-9\\-._~!$&'()*+,;=:@]+$" },
          title: nonEmpty,
          description: nonEmpty,
          prefetch: { type: 'object', minProperties: 1, additionalProperties: nonEmpty },
          usageRequirements: nonEmpty,
          extension,
        },
      },
    },
  },
} as const;

const validateCdsResponseSchema = ajv.compile(cdsResponse);
const validateHemeResponseSchema = ajv.compile(hemeResponse);
const validateDiscoverySchema = ajv.compile(discovery);

/** The spec's two sanctioned empty arrays: "no guidance" and "no services". */
const EMPTY_CARDS = new Set(['/cards']);
const EMPTY_SERVICES = new Set(['/services']);

/** cds-resp-1: with `at-most-one` the client can only apply one, so at most one is recommended. */
function checkRecommendedSuggestions(body: unknown): string[] {
  const errors: string[] = [];
  if (!isRecord(body) || !Array.isArray(body.cards)) return errors;
  body.cards.forEach((c: unknown, i) => {
    if (!isRecord(c) || c.selectionBehavior !== 'at-most-one' || !Array.isArray(c.suggestions)) return;
    const recommended = c.suggestions.filter((s: unknown) => isRecord(s) && s.isRecommended === true).length;
    if (recommended > 1) {
      errors.push(`/cards/${i}/suggestions must have at most one isRecommended suggestion with selectionBehavior at-most-one`);
    }
  });
  return errors;
}

/** Card and suggestion uuids identify feedback targets, so they must not collide in one response. */
function checkUniqueUuids(body: unknown): string[] {
  const errors: string[] = [];
  if (!isRecord(body) || !Array.isArray(body.cards)) return errors;
  const seen = new Set<string>();
  const note = (uuid: unknown, path: string): void => {
    if (typeof uuid !== 'string') return;
    if (seen.has(uuid)) errors.push(`${path} must be unique within the response`);
    seen.add(uuid);
  };
  body.cards.forEach((c: unknown, i) => {
    if (!isRecord(c)) return;
    note(c.uuid, `/cards/${i}/uuid`);
    if (!Array.isArray(c.suggestions)) return;
    c.suggestions.forEach((s: unknown, j) => {
      if (isRecord(s)) note(s.uuid, `/cards/${i}/suggestions/${j}/uuid`);
    });
  });
  return errors;
}

/** A CDS Hooks 2.0 card response (R01-R13). */
export function validateCdsResponse(body: unknown): ValidationResult {
  const errors = validateCdsResponseSchema(body) ? [] : describeErrors(validateCdsResponseSchema.errors);
  errors.push(...findEmptyValues(body, EMPTY_CARDS), ...checkRecommendedSuggestions(body));
  return result(errors);
}

/**
 * validateCdsResponse plus heme-cds house rules: every card has a uuid, `source.url` and a
 * `source.topic` in `urn:heme-cds:rule`; every suggestion has a uuid and exactly one action, with
 * `selectionBehavior: any`; card and suggestion uuids are unique in the response.
 */
export function validateHemeResponse(body: unknown): ValidationResult {
  const base = validateCdsResponse(body);
  const errors = base.ok ? [] : [...base.errors];
  if (!validateHemeResponseSchema(body)) errors.push(...describeErrors(validateHemeResponseSchema.errors));
  errors.push(...checkUniqueUuids(body));
  return result(errors);
}

/** The discovery document (D02-D03): also (id, hook) pairs are unique. */
export function validateDiscovery(body: unknown): ValidationResult {
  const errors = validateDiscoverySchema(body) ? [] : describeErrors(validateDiscoverySchema.errors);
  errors.push(...findEmptyValues(body, EMPTY_SERVICES));
  if (isRecord(body) && Array.isArray(body.services)) {
    const seen = new Set<string>();
    body.services.forEach((s: unknown, i) => {
      if (!isRecord(s) || typeof s.id !== 'string' || typeof s.hook !== 'string') return;
      const key = `${s.id}\u0000${s.hook}`;
      if (seen.has(key)) errors.push(`${pointer('/services', i)} must not repeat an (id, hook) pair`);
      seen.add(key);
    });
  }
  return result(errors);
}
