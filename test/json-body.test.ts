import { randomUUID } from 'node:crypto';
import type { AddressInfo, Server } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startStack, type TestStack } from './support/stack.js';

// How request bodies are read (src/protocol/json-body.ts), shown on the feedback endpoint, whose
// 200 means the body was parsed and stored. The bytes go out with fetch over a real socket:
// supertest would re-encode a Buffer made in the test's realm as JSON.

let stack: TestStack;
let server: Server;
let url: string;
beforeAll(async () => {
  stack = await startStack();
  server = stack.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cds-services/heme-order-sign/feedback`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await stack.close();
});

async function post(body: Uint8Array, headers: Record<string, string>): Promise<{ status: number; body: { issue: { diagnostics: string }[] } }> {
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as { issue: { diagnostics: string }[] } };
}
const feedback = (card: string) =>
  JSON.stringify({ feedback: [{ card, outcome: 'overridden', outcomeTimestamp: '2026-11-22T10:00:00Z', overrideReason: { userComment: 'β2M ≥ 5,5 mg/L, æøå' } }] });

async function stored(card: string) {
  return stack.runtime.deps.storage.feedbackForCard(card);
}

describe('JSON request bodies', () => {
  test.each([
    ['application/json', (s: string) => Buffer.from(s, 'utf8')],
    ['application/json; charset=UTF-8', (s: string) => Buffer.from(s, 'utf8')],
    ['application/json; charset="utf8"', (s: string) => Buffer.from(s, 'utf8')],
    ['application/json (with a byte order mark)', (s: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s, 'utf8')])],
    ['application/json; charset=utf-16le', (s: string) => Buffer.from(s, 'utf16le')],
    // The header is parsed as RFC 9110 says (content-type): "charset=" inside another quoted
    // parameter's value is not the charset.
    ['application/json; profile="x;charset=iso-8859-1"', (s: string) => Buffer.from(s, 'utf8')],
  ])('%s is read, non-ASCII text intact', async (contentType, encode) => {
    const card = randomUUID();
    const res = await post(encode(feedback(card)), { 'content-type': contentType.replace(/ \(.*\)$/, '') });
    expect(res.status).toBe(200);
    expect((await stored(card))[0]?.userComment).toBe('β2M ≥ 5,5 mg/L, æøå');
  });

  test('a gzip-encoded body is inflated', async () => {
    const card = randomUUID();
    const res = await post(gzipSync(feedback(card)), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await stored(card)).toHaveLength(1);
  });

  test.each([
    ['a charset outside the UTF family', 'application/json; charset=iso-8859-1', Buffer.from('{"feedback":[]}', 'latin1'), 415, 'unsupported charset'],
    ['an unknown UTF charset', 'application/json; charset=utf-9', Buffer.from('{"feedback":[]}'), 415, 'unsupported charset'],
    ['malformed JSON', 'application/json', Buffer.from('{"feedback": [ {'), 400, 'malformed JSON'],
    // One byte order mark is ignored, a second is content (outside a string: not JSON), whichever
    // way the text was decoded (ASCII, escaped, invalid UTF-8, UTF-16).
    ['two UTF-8 byte order marks', 'application/json', Buffer.from('\ufeff\ufeff{"feedback":[]}'), 400, 'malformed JSON'],
    ['two byte order marks and invalid UTF-8', 'application/json', Buffer.concat([Buffer.from('\ufeff\ufeff{"feedback":["'), Buffer.from([0xff]), Buffer.from('"]}')]), 400, 'malformed JSON'],
    ['two UTF-16 byte order marks', 'application/json; charset=utf-16le', Buffer.from('\ufeff\ufeff{"feedback":[]}', 'utf16le'), 400, 'malformed JSON'],
    ['invalid UTF-16', 'application/json; charset=utf-16le', Buffer.from([0x7b, 0x00, 0x00, 0xd8]), 415, 'unsupported charset'],
    ['an unsupported content encoding', 'application/json', Buffer.from('{}'), 415, 'unsupported encoding'],
  ])('%s is refused with a clear 4xx', async (name, contentType, body, status, message) => {
    const res = await post(body, { 'content-type': contentType, ...(name.includes('content encoding') ? { 'content-encoding': 'compress' } : {}) });
    expect(res.status).toBe(status);
    expect(res.body.issue[0]?.diagnostics).toBe(message);
    // The parser's own message (which can quote the body) is never passed on.
    expect(JSON.stringify(res.body)).not.toContain('Unexpected');
  });

  test('an empty body is read as {} and then fails validation (400), not parsing', async () => {
    const res = await post(new Uint8Array(0), { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.issue[0]?.diagnostics).not.toBe('malformed JSON');
  });
});
