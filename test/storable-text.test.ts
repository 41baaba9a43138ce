import request from 'supertest';
import { hookBody, noDataPrefetch, startStack, type TestStack } from './support/stack.js';

// Issue 13 item 2: text PostgreSQL cannot store (NUL, lone UTF-16 surrogates) is a 400 wherever it
// would be stored, and the hookInstance that goes into the audit must be a UUID.
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.close();
});

const nullPrefetch = () => noDataPrefetch(stack, { resourceType: 'Patient', id: 'pat-x', birthDate: '1960-01-01' });

describe('hookInstance', () => {
  test.each([
    ['a lone surrogate', '\ud800'],
    ['a NUL', '\u0000'],
    ['a UUID with a NUL', `${crypto.randomUUID()}\u0000`],
    ['a free string', 'call-1'],
  ])('%s → 400, and no audit row', async (_what, hookInstance) => {
    const res = await request(stack.app)
      .post('/cds-services/heme-patient-view')
      .send({ ...hookBody('patient-view', 'pat-x', { prefetch: nullPrefetch() }), hookInstance });
    expect(res.status).toBe(400);
    const outcome = res.body as { issue: { expression: string[] }[] };
    expect(outcome.issue[0]?.expression.join(' ')).toContain('/hookInstance');
  });

  test('a UUID → 200, audited', async () => {
    const body = hookBody('patient-view', 'pat-x', { prefetch: nullPrefetch() });
    const res = await request(stack.app).post('/cds-services/heme-patient-view').send(body);
    expect(res.status).toBe(200);
    await stack.runtime.deps.auditWriter.drain();
    expect(await stack.runtime.deps.storage.auditForHookInstance(body.hookInstance)).toHaveLength(1);
  });
});

describe('feedback text', () => {
  const item = (extra: Record<string, unknown>) => ({ card: crypto.randomUUID(), outcome: 'overridden', outcomeTimestamp: '2026-11-22T10:00:00Z', ...extra });
  test.each([
    ['a comment with a NUL', { overrideReason: { userComment: 'no\u0000thanks' } }],
    ['a comment with a lone surrogate', { overrideReason: { userComment: 'no \udc00 thanks' } }],
    ['a reason display with a NUL', { overrideReason: { reason: { code: 'x', system: 'http://example.org', display: 'a\u0000' } } }],
    ["Epic's overrideReasons with a lone surrogate", { overrideReasons: [{ userComment: '\ud83d' }] }],
  ])('%s → 400 (was 503)', async (_what, extra) => {
    const res = await request(stack.app).post('/cds-services/heme-patient-view/feedback').send({ feedback: [item(extra)] });
    expect(res.status).toBe(400);
  });

  test('a card id with a NUL → 400', async () => {
    const res = await request(stack.app)
      .post('/cds-services/heme-patient-view/feedback')
      .send({ feedback: [{ ...item({ overrideReason: { userComment: 'x' } }), card: 'a\u0000' }] });
    expect(res.status).toBe(400);
  });

  test('a comment with a well-formed surrogate pair (an emoji) is stored', async () => {
    const fb = item({ overrideReason: { userComment: 'fine 👍' } });
    const res = await request(stack.app).post('/cds-services/heme-patient-view/feedback').send({ feedback: [fb] });
    expect(res.status).toBe(200);
    expect((await stack.runtime.deps.storage.feedbackForCard(fb.card))[0]?.userComment).toBe('fine 👍');
  });
});
