import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { startStack, type TestStack } from './support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const url = '/cds-services/heme-order-sign/feedback';

describe('feedback', () => {
  test('accepted feedback is stored before the 200', async () => {
    const card = randomUUID();
    const suggestion = randomUUID();
    const res = await request(stack.app)
      .post(url)
      .send({ feedback: [{ card, outcome: 'accepted', acceptedSuggestions: [{ id: suggestion }], outcomeTimestamp: '2026-11-22T10:00:00Z' }] });
    expect(res.status).toBe(200);
    const rows = await stack.runtime.deps.storage.feedbackForCard(card);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ serviceId: 'heme-order-sign', outcome: 'accepted', acceptedSuggestions: [suggestion] });
  });

  test('overridden with the sandbox reason shape (no display) and with Epic overrideReasons', async () => {
    const card = randomUUID();
    const res = await request(stack.app)
      .post(url)
      .send({
        feedback: [
          { card, outcome: 'overridden', outcomeTimestamp: '2026-11-22T10:00:00Z', overrideReason: { reason: { code: 'patient-declined', system: 'urn:heme-cds:override-reason' } } },
          { card, outcome: 'overridden', outcomeTimestamp: '2026-11-22T10:01:00Z', overrideReasons: { reason: { code: 'clinical-judgement', system: 'urn:heme-cds:override-reason' }, userComment: 'discussed' } },
          { card, outcome: 'overridden', outcomeTimestamp: '2026-11-22T10:02:00Z' },
        ],
      });
    expect(res.status).toBe(200);
    const rows = await stack.runtime.deps.storage.feedbackForCard(card);
    expect(rows.map((r) => r.overrideReason?.code ?? null).sort()).toEqual(['clinical-judgement', 'patient-declined', null].sort());
    expect(rows.find((r) => r.overrideReason?.code === 'clinical-judgement')?.userComment).toBe('discussed');
  });

  test.each([
    ['malformed JSON', '{"feedback":'],
    ['no feedback array', JSON.stringify({})],
    ['unknown outcome', JSON.stringify({ feedback: [{ card: 'c', outcome: 'rejected', outcomeTimestamp: '2026-11-22T10:00:00Z' }] })],
    ['accepted without suggestions', JSON.stringify({ feedback: [{ card: 'c', outcome: 'accepted', outcomeTimestamp: '2026-11-22T10:00:00Z' }] })],
    ['missing timestamp', JSON.stringify({ feedback: [{ card: 'c', outcome: 'overridden' }] })],
  ])('%s → 400', async (_name, body) => {
    const res = await request(stack.app).post(url).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(400);
  });

  test('unknown service → 404', async () => {
    const res = await request(stack.app).post('/cds-services/nope/feedback').send({ feedback: [] });
    expect(res.status).toBe(404);
  });
});
