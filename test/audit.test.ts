import request from 'supertest';
import { startDemoFhirServer, type DemoFhirServer } from '../src/demo-fhir/server.js';
import { feedbackWithAudit } from '../src/storage/index.js';
import { fullPrefetch, hookBody, startStack, type TestStack } from './support/stack.js';

// The audit row of an invocation says where each prefetch key came from, how long each stage took,
// what was answered, and joins the feedback that comes back for its cards.
let stack: TestStack;
let fhir: DemoFhirServer;
const NOW = new Date('2026-11-22T10:00:00Z');

beforeAll(async () => {
  [stack, fhir] = await Promise.all([startStack({ now: NOW }), startDemoFhirServer({ host: '127.0.0.1', port: 0 })]);
});
afterAll(async () => {
  await Promise.all([stack.close(), fhir.close()]);
});

function service(id: string) {
  const s = stack.runtime.deps.services.find((x) => x.id === id);
  if (!s) throw new Error(id);
  return s;
}

test('client keys, fetched keys, stage durations, cards and outcome are audited; feedback joins by card uuid', async () => {
  const patientId = 'pat-bortezomib-no-valaciclovir';
  const full = await fullPrefetch(service('heme-patient-view').prefetch, fhir.baseUrl, patientId);
  // The client sends the Patient and the conditions; everything else must be fetched.
  const prefetch = { patient: full.patient, conditions: full.conditions };
  const body = hookBody('patient-view', patientId, { prefetch, fhirServer: fhir.baseUrl });
  const res = await request(stack.app).post('/cds-services/heme-patient-view').send(body);
  expect(res.status).toBe(200);
  await stack.runtime.deps.auditWriter.drain();

  const [row] = await stack.runtime.deps.storage.auditForHookInstance(body.hookInstance);
  expect(row).toBeDefined();
  expect(row?.serviceId).toBe('heme-patient-view');
  expect(row?.hook).toBe('patient-view');
  expect(row?.prefetchFromClient.sort()).toEqual(['conditions', 'patient']);
  const expectedFetched = Object.keys(service('heme-patient-view').prefetch).filter((k) => !['patient', 'conditions'].includes(k));
  expect(row?.prefetchFetched.sort()).toEqual(expectedFetched.sort());
  expect(row?.prefetchUnavailable).toEqual([]);
  expect(Object.keys(row?.durationsMs ?? {})).toEqual(expect.arrayContaining(['auth', 'validate', 'prefetch', 'rules', 'render', 'total']));
  expect(row?.outcome).toBe('ok');
  expect(row?.httpStatus).toBe(200);
  const returned = (res.body as { cards: { uuid: string; source: { topic: { code: string } } }[] }).cards.map((c) => ({ uuid: c.uuid, topicCode: c.source.topic.code }));
  expect(row?.cards.map((c) => ({ uuid: c.uuid, topicCode: c.topicCode }))).toEqual(returned);

  const card = returned[0];
  if (!card) throw new Error('no card');
  const fb = await request(stack.app)
    .post('/cds-services/heme-patient-view/feedback')
    .send({ feedback: [{ card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: 'x' }], outcomeTimestamp: '2026-11-22T10:01:00Z' }] });
  expect(fb.status).toBe(200);
  const stored = await feedbackWithAudit(stack.runtime.deps.storage, card.uuid);
  expect(stored[0]?.audit?.hookInstance).toBe(body.hookInstance);
  expect(stored[0]?.audit?.topicCode).toBe(card.topicCode);

  const metrics = await request(stack.app).get('/metrics');
  expect(metrics.text).toMatch(new RegExp(`heme_cds_cards_total\\{rule="${card.topicCode.replace('.', '\\.')}",indicator="\\w+"\\} [1-9]`));
  expect(metrics.text).toMatch(/heme_cds_fhir_fallback_requests_total\{outcome="ok"\} [1-9]/);
});
