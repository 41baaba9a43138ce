import { randomUUID } from 'node:crypto';
import {
  checkSelectionsInDraftOrders,
  describeErrors,
  normaliseFeedbackItem,
  validateCdsResponse,
  validateDiscovery,
  validateFeedback,
  validateHemeResponse,
  validateHookRequest,
} from './index.js';
import type { FeedbackItem, HookName, ValidationResult } from './index.js';

// Case ids (B.., R.., F.., D..) refer to cds-hooks-conformance.md §7.

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);

function errorsOf(r: ValidationResult): string[] {
  return r.ok ? [] : r.errors;
}

function expectOk(r: ValidationResult): void {
  expect(errorsOf(r)).toEqual([]);
  expect(r.ok).toBe(true);
}

function expectInvalid(r: ValidationResult, fragment?: string): void {
  expect(r.ok).toBe(false);
  const errors = errorsOf(r);
  expect(errors.length).toBeGreaterThan(0);
  if (fragment !== undefined) expect(errors.join('\n')).toContain(fragment);
}

// ---------------------------------------------------------------------------------------------
// Requests

function patientView(): Json {
  return {
    hook: 'patient-view',
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    fhirServer: 'https://ehr.example.no/fhir/R4',
    fhirAuthorization: {
      access_token: 'opaque-token',
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'patient/Observation.read patient/Patient.read',
      subject: 'heme-cds',
      patient: 'pat-1',
    },
    context: { userId: 'Practitioner/pr-1', patientId: 'pat-1', encounterId: 'enc-1' },
    prefetch: {
      patient: { resourceType: 'Patient', id: 'pat-1' },
      observations: { resourceType: 'Bundle', type: 'searchset', total: 0 },
      conditions: null,
    },
  };
}

function r4DraftOrders(): Json {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'MedicationRequest',
          id: 'm1',
          status: 'draft',
          intent: 'order',
          subject: { reference: 'Patient/pat-1' },
          medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01XG01' }] },
        },
      },
      {
        resource: {
          resourceType: 'ServiceRequest',
          id: 's1',
          status: 'draft',
          intent: 'order',
          subject: { reference: 'Patient/pat-1' },
        },
      },
    ],
  };
}

function orderSelect(): Json {
  return {
    hook: 'order-select',
    hookInstance: randomUUID(),
    fhirServer: 'https://ehr.example.no/fhir/R4',
    context: {
      userId: 'PractitionerRole/role-1',
      patientId: 'pat-1',
      selections: ['MedicationRequest/m1'],
      draftOrders: r4DraftOrders(),
    },
  };
}

function orderSign(): Json {
  return {
    hook: 'order-sign',
    hookInstance: randomUUID(),
    context: { userId: 'Practitioner/pr-1', patientId: 'pat-1', draftOrders: r4DraftOrders() },
  };
}

/** The CDS Hooks sandbox on its default DSTU2 server: MedicationOrder, no Bundle.type. */
function sandboxDstu2OrderSelect(): Json {
  return {
    hook: 'order-select',
    hookInstance: randomUUID(),
    fhirServer: 'https://launch.smarthealthit.org/v/r2/fhir',
    context: {
      userId: 'Practitioner/COREPRACTITIONER1',
      patientId: 'smart-1288992',
      selections: ['MedicationOrder/order-123'],
      draftOrders: {
        resourceType: 'Bundle',
        entry: [
          {
            resource: {
              resourceType: 'MedicationOrder',
              id: 'order-123',
              dateWritten: '2025-01-01',
              status: 'draft',
              patient: { reference: 'Patient/smart-1288992' },
              dosageInstruction: [{ text: '1 tablett daglig' }],
            },
          },
        ],
      },
    },
  };
}

/** The sandbox on STU3+: MedicationRequest without intent and possibly without a medication yet. */
function sandboxStu3OrderSign(): Json {
  return {
    hook: 'order-sign',
    hookInstance: randomUUID(),
    fhirServer: 'https://launch.smarthealthit.org/v/r3/fhir',
    context: {
      userId: 'Practitioner/COREPRACTITIONER1',
      patientId: 'smart-1288992',
      draftOrders: {
        resourceType: 'Bundle',
        entry: [
          {
            resource: {
              resourceType: 'MedicationRequest',
              id: 'request-123',
              status: 'draft',
              authoredOn: '2025-01-01',
              subject: { reference: 'Patient/smart-1288992' },
            },
          },
        ],
      },
    },
  };
}

function ctx(body: Json): Json {
  return body.context as Json;
}

describe('hook requests: valid bodies', () => {
  test('S01/S02 patient-view with fhirAuthorization, encounterId and a null prefetch key', () => {
    expectOk(validateHookRequest('patient-view', patientView()));
  });

  test('S03 order-select and S04 order-sign (R4, Bundle.type collection)', () => {
    expectOk(validateHookRequest('order-select', orderSelect()));
    expectOk(validateHookRequest('order-sign', orderSign()));
  });

  test('S05 sandbox shapes: DSTU2 MedicationOrder, STU3 MedicationRequest without intent, no Bundle.type', () => {
    expectOk(validateHookRequest('order-select', sandboxDstu2OrderSelect()));
    expectOk(validateHookRequest('order-sign', sandboxStu3OrderSign()));
    const stu3Select = sandboxStu3OrderSign();
    stu3Select.hook = 'order-select';
    ctx(stu3Select).selections = ['MedicationRequest/request-123'];
    expectOk(validateHookRequest('order-select', stu3Select));
  });

  test('minimal bodies: no fhirServer, no prefetch', () => {
    expectOk(
      validateHookRequest('patient-view', {
        hook: 'patient-view',
        hookInstance: randomUUID(),
        context: { userId: 'Practitioner/x', patientId: 'p' },
      }),
    );
  });

  test('S07 unknown context fields and a top-level extension are ignored', () => {
    const body = patientView();
    body.extension = { 'org.example.x': { a: 1 } };
    ctx(body).org_example_flag = true;
    expectOk(validateHookRequest('patient-view', body));
  });

  test('order-sign ignores a stray selections field', () => {
    const body = orderSign();
    ctx(body).selections = 'whatever';
    expectOk(validateHookRequest('order-sign', body));
  });

  test('fhirServer over plain http is left to the deployment to refuse', () => {
    const body = patientView();
    body.fhirServer = 'http://localhost:8081/fhir';
    expectOk(validateHookRequest('patient-view', body));
  });
});

describe('hook requests: bad input', () => {
  test('B02/B03 empty body and non-object bodies', () => {
    for (const body of [undefined, null, [], 'x', 42, true]) {
      expectInvalid(validateHookRequest('patient-view', body), '/ must be object');
    }
  });

  test('B04 missing hook, B06 hook of the wrong type', () => {
    const missing = patientView();
    delete missing.hook;
    expectInvalid(validateHookRequest('patient-view', missing), "must have required property 'hook'");
    const numeric = patientView();
    numeric.hook = 123;
    expectInvalid(validateHookRequest('patient-view', numeric), '/hook must be string');
  });

  test('B05 a body for another hook is refused', () => {
    const body = orderSign();
    expectInvalid(validateHookRequest('patient-view', body), '/hook must be equal to constant');
    expectInvalid(validateHookRequest('order-select', body), '/hook must be equal to constant');
  });

  test('B07 missing hookInstance; B28 hookInstance must be a UUID (CDS Hooks 2.0; issue 13 item 2)', () => {
    const missing = patientView();
    delete missing.hookInstance;
    expectInvalid(validateHookRequest('patient-view', missing), "must have required property 'hookInstance'");
    const upper = patientView();
    upper.hookInstance = 'D1577C69-DFBE-44AD-BA6D-3E05E953B2EA';
    expectOk(validateHookRequest('patient-view', upper));
    for (const bad of ['', 'not-a-uuid', '\ud800', 'd1577c69-dfbe-44ad-ba6d-3e05e953b2e\u0000', 'x'.repeat(201), 17]) {
      const body = patientView();
      body.hookInstance = bad;
      expectInvalid(validateHookRequest('patient-view', body), '/hookInstance');
    }
  });

  test('B08 missing context, B09 context not an object', () => {
    const missing = patientView();
    delete missing.context;
    expectInvalid(validateHookRequest('patient-view', missing), "must have required property 'context'");
    for (const bad of ['abc', [], 7, null]) {
      const body = patientView();
      body.context = bad;
      expectInvalid(validateHookRequest('patient-view', body), '/context must be object');
    }
  });

  test('B10 missing patientId, B11 missing userId (400 on every hook)', () => {
    for (const [hook, make] of [
      ['patient-view', patientView],
      ['order-select', orderSelect],
      ['order-sign', orderSign],
    ] as [HookName, () => Json][]) {
      const noPatient = make();
      delete ctx(noPatient).patientId;
      expectInvalid(validateHookRequest(hook, noPatient), "must have required property 'patientId'");
      const noUser = make();
      delete ctx(noUser).userId;
      expectInvalid(validateHookRequest(hook, noUser), "must have required property 'userId'");
    }
  });

  test('B12 patientId must be a bare FHIR id string', () => {
    for (const bad of [123, {}, 'Patient/123', '', 'a'.repeat(65), 'has space']) {
      const body = patientView();
      ctx(body).patientId = bad;
      expectInvalid(validateHookRequest('patient-view', body), '/context/patientId');
    }
    const enc = patientView();
    ctx(enc).encounterId = 'Encounter/1';
    expectInvalid(validateHookRequest('patient-view', enc), '/context/encounterId');
  });

  test('B13 order-select selections: missing, not an array, empty, malformed, not in draftOrders', () => {
    const missing = orderSelect();
    delete ctx(missing).selections;
    expectInvalid(validateHookRequest('order-select', missing), "must have required property 'selections'");
    for (const bad of ['x', [], ['m1'], [42]]) {
      const body = orderSelect();
      ctx(body).selections = bad;
      expectInvalid(validateHookRequest('order-select', body), '/context/selections');
    }
    const stray = orderSelect();
    ctx(stray).selections = ['MedicationRequest/m1', 'MedicationRequest/elsewhere'];
    const r = validateHookRequest('order-select', stray);
    expect(errorsOf(r)).toEqual(['/context/selections/1 must reference a resource in context.draftOrders']);
  });

  test('B14 draftOrders: missing, not a Bundle, an array, no entries, entry without resource', () => {
    for (const hook of ['order-select', 'order-sign'] as HookName[]) {
      const make = hook === 'order-select' ? orderSelect : orderSign;
      const missing = make();
      delete ctx(missing).draftOrders;
      expectInvalid(validateHookRequest(hook, missing), "must have required property 'draftOrders'");
      const bads: unknown[] = [
        { resourceType: 'Patient', id: 'x' },
        [],
        { resourceType: 'Bundle' },
        { resourceType: 'Bundle', entry: [] },
        { resourceType: 'Bundle', entry: [{ fullUrl: 'urn:uuid:1' }] },
        { resourceType: 'Bundle', entry: [{ resource: { id: 'no-type' } }] },
      ];
      for (const bad of bads) {
        const body = make();
        ctx(body).draftOrders = bad;
        expectInvalid(validateHookRequest(hook, body), '/context/draftOrders');
      }
    }
  });

  test('B15 prefetch must be an object; B16 prefetch values must be objects or null', () => {
    for (const bad of [[], 'x', 3]) {
      const body = patientView();
      body.prefetch = bad;
      expectInvalid(validateHookRequest('patient-view', body), '/prefetch must be object');
    }
    for (const bad of ['123', 42, true, []]) {
      const body = patientView();
      (body.prefetch as Json).patient = bad;
      expectInvalid(validateHookRequest('patient-view', body), '/prefetch/patient');
    }
  });

  test('B18 fhirAuthorization without fhirServer (cds-r-1)', () => {
    const body = patientView();
    delete body.fhirServer;
    expectInvalid(validateHookRequest('patient-view', body), 'must have property fhirServer when property fhirAuthorization is present');
  });

  test('B19 fhirAuthorization: missing access_token, non-Bearer type, bad expires_in; lower-case bearer accepted', () => {
    const noToken = patientView();
    delete (noToken.fhirAuthorization as Json).access_token;
    expectInvalid(validateHookRequest('patient-view', noToken), "must have required property 'access_token'");
    const empty = patientView();
    (empty.fhirAuthorization as Json).access_token = '';
    expectInvalid(validateHookRequest('patient-view', empty), '/fhirAuthorization/access_token');
    const mac = patientView();
    (mac.fhirAuthorization as Json).token_type = 'MAC';
    expectInvalid(validateHookRequest('patient-view', mac), '/fhirAuthorization/token_type');
    for (const bad of ['300', 1.5, -1]) {
      const body = patientView();
      (body.fhirAuthorization as Json).expires_in = bad;
      expectInvalid(validateHookRequest('patient-view', body), '/fhirAuthorization/expires_in');
    }
    const lower = patientView();
    (lower.fhirAuthorization as Json).token_type = 'bearer';
    expectOk(validateHookRequest('patient-view', lower));
  });

  test('B20 fhirServer must be an absolute http(s) URL', () => {
    for (const bad of ['not a url', 'ftp://ehr.example.no/fhir', '/fhir', 'https://', 42]) {
      const body = patientView();
      body.fhirServer = bad;
      expectInvalid(validateHookRequest('patient-view', body), '/fhirServer');
    }
  });

  test('B27 explicit null for optional fields is refused', () => {
    const enc = patientView();
    ctx(enc).encounterId = null;
    expectInvalid(validateHookRequest('patient-view', enc), '/context/encounterId must be string');
    const pre = patientView();
    pre.prefetch = null;
    expectInvalid(validateHookRequest('patient-view', pre), '/prefetch must be object');
    const auth = patientView();
    auth.fhirAuthorization = null;
    expectInvalid(validateHookRequest('patient-view', auth), '/fhirAuthorization must be object');
  });

  test('B23 a 10 000-deep nested array inside context neither crashes nor takes long', () => {
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const body = patientView();
    ctx(body).deep = deep;
    const started = performance.now();
    const r = validateHookRequest('patient-view', body);
    expect(performance.now() - started).toBeLessThan(500);
    expect(typeof r.ok).toBe('boolean');
    // And as parsed JSON text, the way it arrives over HTTP.
    const text = `{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"userId":"Practitioner/1","patientId":"p","deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const parsed: unknown = JSON.parse(text);
    expect(typeof validateHookRequest('patient-view', parsed).ok).toBe('boolean');
  });

  test('error messages never echo values the client sent', () => {
    const body = patientView();
    ctx(body).patientId = 'Patient/OLA-NORDMANN-01017012345';
    (body.fhirAuthorization as Json).token_type = 'SECRET-TOKEN-TYPE';
    body.fhirServer = 'not a url 01017012345';
    const r = validateHookRequest('patient-view', body);
    const text = errorsOf(r).join('\n');
    expect(text).toContain('/context/patientId');
    expect(text).not.toMatch(/NORDMANN|01017012345|SECRET/);
  });

  test('a hostile body gets a bounded error list', () => {
    const body = orderSelect();
    ctx(body).selections = Array.from({ length: 500 }, (_, i) => i);
    const errors = errorsOf(validateHookRequest('order-select', body));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(20);
  });

  test('checkSelectionsInDraftOrders tolerates shapes it was not meant for', () => {
    expect(checkSelectionsInDraftOrders(undefined)).toEqual([]);
    expect(checkSelectionsInDraftOrders({ context: { selections: 'x', draftOrders: [] } })).toEqual([]);
    expect(checkSelectionsInDraftOrders(orderSelect())).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Responses

function hemeCard(): Json {
  return {
    uuid: randomUUID(),
    summary: 'Myelomatose: kreatinin mangler siste 3 måneder',
    indicator: 'warning',
    detail: 'Nyrefunksjon bør kontrolleres før oppstart ([kilde](https://example.no)).',
    source: {
      label: 'heme-cds',
      url: 'https://heme-cds.example.no/rules/MM-LAB-1',
      topic: { system: 'urn:heme-cds:rule', code: 'MM-LAB-1', display: 'Kreatinin før behandling' },
    },
    selectionBehavior: 'any',
    suggestions: [
      {
        label: 'Bestill kreatinin',
        uuid: randomUUID(),
        isRecommended: true,
        actions: [
          {
            type: 'create',
            description: 'Bestill kreatinin',
            resource: {
              resourceType: 'ServiceRequest',
              status: 'draft',
              intent: 'order',
              subject: { reference: 'Patient/pat-1' },
            },
          },
        ],
      },
    ],
    overrideReasons: [{ system: 'urn:heme-cds:override', code: 'not-relevant', display: 'Ikke relevant' }],
    links: [{ label: 'Handlingsprogram', url: 'https://www.helsedirektoratet.no/retningslinjer/myelomatose', type: 'absolute' }],
  };
}

function response(...cards: Json[]): Json {
  return { cards };
}

function firstCard(body: Json): Json {
  return (body.cards as Json[])[0] as Json;
}

function firstSuggestion(body: Json): Json {
  return (firstCard(body).suggestions as Json[])[0] as Json;
}

function firstAction(body: Json): Json {
  return (firstSuggestion(body).actions as Json[])[0] as Json;
}

describe('card responses (R01-R13)', () => {
  test('a full card, an empty card list, systemActions and extensions are valid', () => {
    expectOk(validateCdsResponse(response(hemeCard())));
    expectOk(validateCdsResponse({ cards: [] }));
    expectOk(
      validateCdsResponse({
        cards: [],
        systemActions: [{ type: 'delete', description: 'Fjern duplikat', resourceId: 'ServiceRequest/s1' }],
        extension: { 'no.example.x': true },
      }),
    );
    const minimal = { summary: 'Kort', indicator: 'info', source: { label: 'heme-cds' } };
    expectOk(validateCdsResponse(response(minimal)));
  });

  test('R01 envelope: object with a cards array and nothing unknown', () => {
    for (const bad of [undefined, null, [], 'x', {}, { cards: {} }, { cards: null }]) {
      expectInvalid(validateCdsResponse(bad));
    }
    expectInvalid(validateCdsResponse({ cards: [], warnings: 'x' }), 'must NOT have additional properties (warnings)');
    expectInvalid(validateCdsResponse({ cards: [], systemActions: [] }), '/systemActions');
  });

  test('R02 summary, indicator and source.label', () => {
    const long = response(hemeCard());
    firstCard(long).summary = 'x'.repeat(140);
    expectInvalid(validateCdsResponse(long), '/cards/0/summary must NOT have more than 139 characters');
    const exact = response(hemeCard());
    firstCard(exact).summary = 'æ'.repeat(139);
    expectOk(validateCdsResponse(exact));
    for (const field of ['summary', 'indicator', 'source']) {
      const body = response(hemeCard());
      delete firstCard(body)[field];
      expectInvalid(validateCdsResponse(body), `must have required property '${field}'`);
    }
    for (const bad of ['hard-stop', 'success', 'Info']) {
      const body = response(hemeCard());
      firstCard(body).indicator = bad;
      expectInvalid(validateCdsResponse(body), '/cards/0/indicator');
    }
    const noLabel = response(hemeCard());
    firstCard(noLabel).source = { url: 'https://x.example' };
    expectInvalid(validateCdsResponse(noLabel), "/cards/0/source must have required property 'label'");
    const emptySummary = response(hemeCard());
    firstCard(emptySummary).summary = '';
    expectInvalid(validateCdsResponse(emptySummary), '/cards/0/summary');
  });

  test('R03 optional card fields are typed and non-empty; unknown card fields refused', () => {
    const cases: [string, unknown][] = [
      ['uuid', 'not-a-uuid'],
      ['detail', ''],
      ['detail', 5],
      ['suggestions', []],
      ['links', []],
      ['overrideReasons', []],
      ['colour', 'red'],
    ];
    for (const [field, value] of cases) {
      const body = response(hemeCard());
      firstCard(body)[field] = value;
      expectInvalid(validateCdsResponse(body), `/cards/0`);
    }
  });

  test('R04 source urls are absolute http(s); topic is a Coding with code and system', () => {
    for (const [field, value] of [
      ['url', '/relative'],
      ['icon', 'not a url'],
      ['url', 'javascript:alert(1)'],
    ] as const) {
      const body = response(hemeCard());
      (firstCard(body).source as Json)[field] = value;
      expectInvalid(validateCdsResponse(body), `/cards/0/source/${field}`);
    }
    const topic = response(hemeCard());
    (firstCard(topic).source as Json).topic = { display: 'only display' };
    expectInvalid(validateCdsResponse(topic), '/cards/0/source/topic');
    const extra = response(hemeCard());
    (firstCard(extra).source as Json).colour = 'red';
    expectInvalid(validateCdsResponse(extra), '/cards/0/source must NOT have additional properties');
  });

  test('R05 suggestions need selectionBehavior from the enum', () => {
    const missing = response(hemeCard());
    delete firstCard(missing).selectionBehavior;
    expectInvalid(validateCdsResponse(missing), 'must have property selectionBehavior when property suggestions is present');
    const bad = response(hemeCard());
    firstCard(bad).selectionBehavior = 'all';
    expectInvalid(validateCdsResponse(bad), '/cards/0/selectionBehavior');
  });

  test('R06 at-most-one allows one recommended suggestion only', () => {
    const body = response(hemeCard());
    const card = firstCard(body);
    card.selectionBehavior = 'at-most-one';
    expectOk(validateCdsResponse(body));
    const second = clone(firstSuggestion(body));
    second.uuid = randomUUID();
    (card.suggestions as Json[]).push(second);
    expectInvalid(validateCdsResponse(body), 'at most one isRecommended');
    card.selectionBehavior = 'any';
    expectOk(validateCdsResponse(body));
  });

  test('R07 suggestion label, uuid, isRecommended, actions', () => {
    const cases: [string, unknown][] = [
      ['label', undefined],
      ['uuid', 'abc'],
      ['isRecommended', 'yes'],
      ['actions', []],
      ['extra', 1],
    ];
    for (const [field, value] of cases) {
      const body = response(hemeCard());
      if (value === undefined) delete firstSuggestion(body)[field];
      else firstSuggestion(body)[field] = value;
      expectInvalid(validateCdsResponse(body), '/cards/0/suggestions/0');
    }
  });

  test('R08 actions: type enum, description, resource for create/update (update with id), resourceId for delete', () => {
    const mutate = (f: (a: Json) => void): Json => {
      const body = response(hemeCard());
      f(firstAction(body));
      return body;
    };
    expectInvalid(validateCdsResponse(mutate((a) => (a.type = 'replace'))), '/actions/0/type');
    expectInvalid(validateCdsResponse(mutate((a) => delete a.description)), "required property 'description'");
    expectInvalid(validateCdsResponse(mutate((a) => (a.description = ''))), '/actions/0/description');
    expectInvalid(validateCdsResponse(mutate((a) => delete a.resource)), "required property 'resource'");
    expectInvalid(validateCdsResponse(mutate((a) => (a.resource = { id: 'x' }))), "required property 'resourceType'");
    expectInvalid(validateCdsResponse(mutate((a) => (a.type = 'update'))), "/actions/0/resource must have required property 'id'");
    expectOk(
      validateCdsResponse(
        mutate((a) => {
          a.type = 'update';
          (a.resource as Json).id = 'm1';
        }),
      ),
    );
    expectInvalid(
      validateCdsResponse(
        mutate((a) => {
          a.type = 'delete';
          delete a.resource;
        }),
      ),
      "required property 'resourceId'",
    );
    expectInvalid(
      validateCdsResponse(
        mutate((a) => {
          a.type = 'delete';
          a.resourceId = 'MedicationRequest/m1';
        }),
      ),
      '/actions/0 must NOT be valid',
    );
    expectInvalid(
      validateCdsResponse(
        mutate((a) => {
          a.type = 'delete';
          delete a.resource;
          a.resourceId = 'm1';
        }),
      ),
      '/actions/0/resourceId',
    );
    expectOk(
      validateCdsResponse(
        mutate((a) => {
          a.type = 'delete';
          delete a.resource;
          a.resourceId = 'MedicationRequest/m1';
        }),
      ),
    );
  });

  test('R09 overrideReasons need code, system and display', () => {
    for (const field of ['code', 'system', 'display']) {
      const body = response(hemeCard());
      delete ((firstCard(body).overrideReasons as Json[])[0] as Json)[field];
      expectInvalid(validateCdsResponse(body), `/cards/0/overrideReasons/0 must have required property '${field}'`);
    }
  });

  test('R10 links: label, absolute url, type enum, appContext only with smart, autolaunchable boolean', () => {
    const link = (body: Json): Json => ((firstCard(body).links as Json[])[0] as Json);
    const cases: [(l: Json) => void, string][] = [
      [(l) => delete l.label, "required property 'label'"],
      [(l) => (l.url = 'relative/path'), '/links/0/url'],
      [(l) => (l.type = 'iframe'), '/links/0/type'],
      [(l) => (l.appContext = '{"x":1}'), '/links/0/type must be equal to constant'],
      [(l) => (l.autolaunchable = 'true'), '/links/0/autolaunchable'],
    ];
    for (const [f, fragment] of cases) {
      const body = response(hemeCard());
      f(link(body));
      expectInvalid(validateCdsResponse(body), fragment);
    }
    const smart = response(hemeCard());
    Object.assign(link(smart), { type: 'smart', appContext: '{"x":1}', autolaunchable: false });
    expectOk(validateCdsResponse(smart));
  });

  test('R11 systemActions are a non-empty array of valid actions', () => {
    expectInvalid(validateCdsResponse({ cards: [], systemActions: [{ type: 'create', description: 'x' }] }), "required property 'resource'");
    expectInvalid(validateCdsResponse({ cards: [], systemActions: {} }), '/systemActions must be array');
  });

  test('R13 no null, empty string, empty array or empty object anywhere (except cards: [])', () => {
    const nulls = response(hemeCard());
    firstCard(nulls).detail = null;
    expectInvalid(validateCdsResponse(nulls), '/cards/0/detail must not be null');
    const deepEmpty = response(hemeCard());
    (firstAction(deepEmpty).resource as Json).note = [];
    expectInvalid(validateCdsResponse(deepEmpty), '/cards/0/suggestions/0/actions/0/resource/note must not be an empty array');
    const emptyObject = response(hemeCard());
    (firstAction(emptyObject).resource as Json).subject = {};
    expectInvalid(validateCdsResponse(emptyObject), 'resource/subject must not be an empty object');
    const emptyString = response(hemeCard());
    (firstAction(emptyString).resource as Json).status = '';
    expectInvalid(validateCdsResponse(emptyString), 'resource/status must not be an empty string');
    const ext = response(hemeCard());
    firstCard(ext).extension = {};
    expectInvalid(validateCdsResponse(ext), '/cards/0/extension must not be an empty object');
    expectInvalid(validateCdsResponse({ cards: [], extension: 'x' }), '/extension must be object');
  });
  test('a 10 000-deep structure in a response is reported, not a crash', () => {
    const parsed = JSON.parse(`{"cards":[],"extension":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`) as unknown;
    const started = performance.now();
    expectInvalid(validateCdsResponse(parsed), 'must not be an empty array');
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('heme-cds house rules', () => {
  test('a house card passes', () => {
    expectOk(validateHemeResponse(response(hemeCard(), hemeCard())));
    expectOk(validateHemeResponse({ cards: [] }));
  });

  test('a merged card lists the rule codes it stands for in urn:heme-cds:rules (contract item 9)', () => {
    const merged = response(hemeCard());
    firstCard(merged).extension = { 'urn:heme-cds:rules': ['stage-iss', 'stage-riss.not-evaluable'] };
    expectOk(validateHemeResponse(merged));
    firstCard(merged).extension = { 'urn:heme-cds:rules': [] };
    expectInvalid(validateHemeResponse(merged), '/cards/0/extension/urn:heme-cds:rules');
    firstCard(merged).extension = { 'urn:heme-cds:rules': ['Stage ISS'] };
    expectInvalid(validateHemeResponse(merged), '/cards/0/extension/urn:heme-cds:rules/0');
  });

  test('spec violations are reported too', () => {
    const body = response(hemeCard());
    firstCard(body).indicator = 'hard-stop';
    expectInvalid(validateHemeResponse(body), '/cards/0/indicator');
  });

  test('card uuid, source.url and source.topic in urn:heme-cds:rule are required', () => {
    const noUuid = response(hemeCard());
    delete firstCard(noUuid).uuid;
    expectInvalid(validateHemeResponse(noUuid), "/cards/0 must have required property 'uuid'");
    expectOk(validateCdsResponse(noUuid));
    const noUrl = response(hemeCard());
    delete (firstCard(noUrl).source as Json).url;
    expectInvalid(validateHemeResponse(noUrl), "/cards/0/source must have required property 'url'");
    const noTopic = response(hemeCard());
    delete (firstCard(noTopic).source as Json).topic;
    expectInvalid(validateHemeResponse(noTopic), "/cards/0/source must have required property 'topic'");
    const otherSystem = response(hemeCard());
    ((firstCard(otherSystem).source as Json).topic as Json).system = 'http://loinc.org';
    expectInvalid(validateHemeResponse(otherSystem), '/cards/0/source/topic/system must be equal to constant');
  });

  test('suggestions: selectionBehavior any, a uuid and exactly one action each', () => {
    const atMostOne = response(hemeCard());
    firstCard(atMostOne).selectionBehavior = 'at-most-one';
    expectInvalid(validateHemeResponse(atMostOne), '/cards/0/selectionBehavior must be equal to constant');
    const twoActions = response(hemeCard());
    const actions = firstSuggestion(twoActions).actions as Json[];
    actions.push(clone(actions[0] as Json));
    expectOk(validateCdsResponse(twoActions));
    expectInvalid(validateHemeResponse(twoActions), '/cards/0/suggestions/0/actions must NOT have more than 1 items');
    const noActions = response(hemeCard());
    delete firstSuggestion(noActions).actions;
    expectInvalid(validateHemeResponse(noActions), "required property 'actions'");
    const noUuid = response(hemeCard());
    delete firstSuggestion(noUuid).uuid;
    expectInvalid(validateHemeResponse(noUuid), "/cards/0/suggestions/0 must have required property 'uuid'");
  });

  test('R12 card and suggestion uuids are unique within a response', () => {
    const a = hemeCard();
    const b = hemeCard();
    b.uuid = a.uuid;
    expectInvalid(validateHemeResponse(response(a, b)), '/cards/1/uuid must be unique');
  });
});

// ---------------------------------------------------------------------------------------------
// Feedback

function accepted(card = randomUUID(), suggestion = randomUUID()): Json {
  return { card, outcome: 'accepted', acceptedSuggestions: [{ id: suggestion }], outcomeTimestamp: '2025-01-01T00:00:00Z' };
}

describe('feedback', () => {
  test('F01 accepted with acceptedSuggestions', () => {
    expectOk(validateFeedback({ feedback: [accepted()] }));
  });

  test('F02 overridden without a reason; F04 the same card twice', () => {
    const card = randomUUID();
    const overridden = { card, outcome: 'overridden', outcomeTimestamp: '1985-04-12T23:20:50.52Z' };
    expectOk(validateFeedback({ feedback: [overridden] }));
    expectOk(validateFeedback({ feedback: [overridden, { ...overridden, outcomeTimestamp: '2025-01-01T10:00:00+01:00' }] }));
  });

  test('F03 sandbox shape: overrideReason.reason without display, with or without userComment', () => {
    const item = {
      card: randomUUID(),
      outcome: 'overridden',
      outcomeTimestamp: new Date().toISOString(),
      overrideReason: { reason: { code: 'not-relevant', system: 'urn:heme-cds:override' } },
    };
    expectOk(validateFeedback({ feedback: [item] }));
    expectOk(validateFeedback({ feedback: [{ ...item, overrideReason: { ...item.overrideReason, userComment: 'Allerede tatt' } }] }));
    expectOk(validateFeedback({ feedback: [{ ...item, overrideReason: { userComment: 'Kun kommentar' } }] }));
  });

  test("Epic's overrideReasons, as an object or an array, and extra item properties", () => {
    const base = { card: randomUUID(), outcome: 'overridden', outcomeTimestamp: '2025-03-01T08:00:00Z', 'epic.extra': { a: 1 } };
    const reason = { reason: { code: 'pt-declined', system: 'urn:oid:1.2.840.114350', display: 'Pasient avslår' }, userComment: 'Snakket med pasient' };
    expectOk(validateFeedback({ feedback: [{ ...base, overrideReasons: reason }] }));
    expectOk(validateFeedback({ feedback: [{ ...base, overrideReasons: [reason] }] }));
    expectInvalid(validateFeedback({ feedback: [{ ...base, overrideReasons: [] }] }), '/feedback/0/overrideReasons');
    expectInvalid(validateFeedback({ feedback: [{ ...base, overrideReasons: 'x' }] }), '/feedback/0/overrideReasons');
  });

  test('F05 malformed feedback bodies', () => {
    const bads: unknown[] = [
      undefined,
      [],
      {},
      { feedback: [] },
      { feedback: {} },
      { feedback: [{ ...accepted(), outcome: 'rejected' }] },
      { feedback: [{ card: 'c', outcome: 'accepted', outcomeTimestamp: '2025-01-01T00:00:00Z' }] },
      { feedback: [{ ...accepted(), acceptedSuggestions: [] }] },
      { feedback: [{ ...accepted(), acceptedSuggestions: [{}] }] },
      { feedback: [{ card: 'c', outcome: 'overridden' }] },
      { feedback: [{ ...accepted(), outcomeTimestamp: '2025-01-01' }] },
      { feedback: [{ ...accepted(), outcomeTimestamp: '2025-01-01T00:00:00' }] },
      { feedback: [{ ...accepted(), card: '' }] },
      { feedback: [{ card: 'c', outcome: 'overridden', outcomeTimestamp: '2025-01-01T00:00:00Z', overrideReason: {} }] },
      {
        feedback: [
          { card: 'c', outcome: 'overridden', outcomeTimestamp: '2025-01-01T00:00:00Z', overrideReason: { reason: { code: 'x' } } },
        ],
      },
      { feedback: Array.from({ length: 101 }, () => accepted()) },
    ];
    for (const bad of bads) expectInvalid(validateFeedback(bad));
    expect(errorsOf(validateFeedback({ feedback: [{ ...accepted(), outcome: 'rejected' }] })).join('\n')).toContain(
      '/feedback/0/outcome must be equal to one of the allowed values',
    );
  });

  test('normaliseFeedbackItem gives one shape for every spelling', () => {
    const card = randomUUID();
    const suggestion = randomUUID();
    expect(normaliseFeedbackItem(accepted(card, suggestion) as unknown as FeedbackItem)).toEqual({
      card,
      outcome: 'accepted',
      acceptedSuggestions: [suggestion],
      outcomeTimestamp: new Date('2025-01-01T00:00:00Z'),
    });
    const sandbox: FeedbackItem = {
      card,
      outcome: 'overridden',
      outcomeTimestamp: '2025-01-01T10:00:00+01:00',
      overrideReason: { reason: { code: 'c1', system: 's1' } },
    };
    const n = normaliseFeedbackItem(sandbox);
    expect(n).toEqual({
      card,
      outcome: 'overridden',
      acceptedSuggestions: [],
      overrideReason: { code: 'c1', system: 's1' },
      outcomeTimestamp: new Date('2025-01-01T09:00:00Z'),
    });
    const epic: FeedbackItem = {
      card,
      outcome: 'overridden',
      outcomeTimestamp: '2025-01-01T00:00:00Z',
      overrideReasons: [{ userComment: 'Kommentar' }, { reason: { code: 'c2', system: 's2', display: 'Visning' } }],
    };
    expect(normaliseFeedbackItem(epic)).toMatchObject({
      overrideReason: { code: 'c2', system: 's2', display: 'Visning' },
      userComment: 'Kommentar',
    });
    const both: FeedbackItem = {
      card,
      outcome: 'overridden',
      outcomeTimestamp: '2025-01-01T00:00:00Z',
      overrideReason: { reason: { code: 'spec', system: 's' } },
      overrideReasons: { reason: { code: 'epic', system: 's' } },
    };
    expect(normaliseFeedbackItem(both).overrideReason?.code).toBe('spec');
  });
});

// ---------------------------------------------------------------------------------------------
// Discovery

function discoveryDoc(): Json {
  return {
    services: [
      {
        hook: 'patient-view',
        id: 'heme-myeloma-patient-view',
        title: 'Myelomatose',
        description: 'Oppfølging av myelomatose',
        prefetch: { patient: 'Patient/{{context.patientId}}', conditions: 'Condition?patient={{context.patientId}}' },
      },
      { hook: 'order-sign', id: 'heme-orders', description: 'Forskrivning', usageRequirements: 'Krever R4' },
    ],
  };
}

describe('discovery (D02-D03)', () => {
  test('a full document and an empty services list are valid', () => {
    expectOk(validateDiscovery(discoveryDoc()));
    expectOk(validateDiscovery({ services: [] }));
  });

  test('the same id under two hooks is fine; a repeated (id, hook) pair is not', () => {
    const body = discoveryDoc();
    const services = body.services as Json[];
    services.push({ ...(services[0] as Json), hook: 'order-select' });
    expectOk(validateDiscovery(body));
    services.push(clone(services[0] as Json));
    expectInvalid(validateDiscovery(body), '/services/3 must not repeat');
  });

  test('required fields, empty prefetch, non-string templates, ids that are not one path segment', () => {
    const mutations: ((s: Json) => void)[] = [
      (s) => delete s.hook,
      (s) => delete s.id,
      (s) => delete s.description,
      (s) => (s.prefetch = {}),
      (s) => (s.prefetch = { patient: '' }),
      (s) => (s.prefetch = { patient: 5 }),
      (s) => (s.title = null),
      (s) => (s.id = 'a/b'),
      (s) => (s.unknown = 'x'),
    ];
    for (const m of mutations) {
      const body = discoveryDoc();
      m((body.services as Json[])[0] as Json);
      expectInvalid(validateDiscovery(body), '/services/0');
    }
    expectInvalid(validateDiscovery({}), "must have required property 'services'");
  });
});

describe('describeErrors', () => {
  test('empty input gives no messages', () => {
    expect(describeErrors(null)).toEqual([]);
    expect(describeErrors(undefined)).toEqual([]);
  });
});
