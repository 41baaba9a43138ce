import request from 'supertest';
import { startDemoFhirServer, type DemoFhirServer } from '../src/demo-fhir/server.js';
import { fullPrefetch, hookBody, startStack, type TestStack } from './support/stack.js';

// Orders as the HL7 reference client (CDS Hooks sandbox) and US EHRs send them: an RxNorm clinical
// drug (SCD) code, never the ingredient. The pregnant CML patient's imatinib order must give the
// critical card by the product code, and by name when the code is one the service has never seen.
// The card's flows must work in the sandbox: a delete suggestion on the draft, override reasons,
// feedback in its shape.

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const PATIENT = 'pat-cml-pregnant';

let stack: TestStack;
let fhir: DemoFhirServer;
beforeAll(async () => {
  // Today's clock: the demo server moves the chart to today (any date).
  [stack, fhir] = await Promise.all([startStack(), startDemoFhirServer({ host: '127.0.0.1', port: 0 })]);
}, 120_000);
afterAll(async () => {
  await Promise.all([stack.close(), fhir.close()]);
});

/** The draft exactly as the sandbox's Rx Sign screen sends it (reference-client.md). */
function sandboxOrder(code: string, name: string) {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'MedicationRequest',
          id: 'request-123',
          status: 'draft',
          intent: 'order',
          subject: { reference: `Patient/${PATIENT}` },
          authoredOn: new Date().toISOString().slice(0, 10),
          medicationCodeableConcept: { text: name, coding: [{ display: name, system: RXNORM, code }] },
          dosageInstruction: [{ text: '1 tablet daily', timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } }],
        },
      },
    ],
  };
}

type Card = {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: string;
  source: { topic: { code: string } };
  suggestions?: { uuid: string; actions?: { type: string; resourceId?: string; resource?: { resourceType: string } }[] }[];
  overrideReasons?: { code: string; system: string }[];
};

async function sign(code: string, name: string, withPrefetch: boolean): Promise<Card[]> {
  const service = stack.runtime.deps.services.find((s) => s.id === 'heme-order-sign');
  if (!service) throw new Error('heme-order-sign');
  const prefetch = withPrefetch ? { prefetch: await fullPrefetch(service.prefetch, fhir.baseUrl, PATIENT) } : {};
  const res = await request(stack.app)
    .post('/cds-services/heme-order-sign')
    .send(hookBody('order-sign', PATIENT, { ...prefetch, fhirServer: fhir.baseUrl, context: { draftOrders: sandboxOrder(code, name) } }));
  expect(res.status).toBe(200);
  return (res.body as { cards: Card[] }).cards;
}

function tkiCard(cards: Card[]): Card {
  const card = cards.find((c) => c.source.topic.code === 'cml-tki-pregnancy');
  if (!card) throw new Error(`no cml-tki-pregnancy card among ${cards.map((c) => c.source.topic.code).join(', ') || 'none'}`);
  return card;
}

describe('RxNorm product orders (the reference client)', () => {
  test.each([true, false])('the sandbox imatinib 403879 gives the critical TKI-in-pregnancy card (prefetch: %s)', async (withPrefetch) => {
    const card = tkiCard(await sign('403879', 'imatinib 400 MG Oral Tablet', withPrefetch));
    expect(card.indicator).toBe('critical');
    // Recognised by its code: no "matched by name" note.
    expect(card.detail).not.toMatch(/Matched by name|Gjenkjent på navn/);
  });

  test('an RxNorm code the service has never seen still gives the card, matched by the ingredient name', async () => {
    const card = tkiCard(await sign('999999901', 'imatinib 400 MG Oral Tablet', false));
    expect(card.indicator).toBe('critical');
    expect(card.detail).toMatch(/(Matched by name, not code|Gjenkjent på navn, ikke kode)[^\n]*«imatinib 400 MG Oral Tablet»/);
  });

  test('the card works in the sandbox: it can delete the draft, offers override reasons, and its feedback is stored', async () => {
    const card = tkiCard(await sign('403879', 'imatinib 400 MG Oral Tablet', false));
    const actions = (card.suggestions ?? []).flatMap((s) => s.actions ?? []);
    // The sandbox applies MedicationRequest suggestions; a delete removes the draft it names.
    expect(actions).toContainEqual(expect.objectContaining({ type: 'delete', resourceId: 'MedicationRequest/request-123' }));
    for (const a of actions) if (a.type !== 'delete') expect(a.resource?.resourceType).toBeDefined();
    expect(card.overrideReasons?.length).toBeGreaterThan(0);

    const reason = card.overrideReasons?.[0];
    const deleteSuggestion = card.suggestions?.find((s) => s.actions?.some((a) => a.type === 'delete'));
    const feedback = await request(stack.app)
      .post('/cds-services/heme-order-sign/feedback')
      .send({
        feedback: [
          { card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: deleteSuggestion?.uuid }], outcomeTimestamp: new Date().toISOString() },
          { card: card.uuid, outcome: 'overridden', overrideReason: { reason: { code: reason?.code, system: reason?.system } }, outcomeTimestamp: new Date().toISOString() },
        ],
      });
    expect(feedback.status).toBe(200);
    const rows = await stack.runtime.deps.storage.feedbackForCard(card.uuid);
    expect(rows.map((r) => r.outcome).sort()).toEqual(['accepted', 'overridden']);
  });
});
