import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.js';
import { createHttpServer, httpLimits, type HttpLimits } from '../src/http-server.js';
import { startStack, type TestStack } from './support/stack.js';

// Issue 13 item 7: raw sockets trickling bytes are cut once the request's time is up, headersTimeout
// never exceeds requestTimeout, and MAX_CONNECTIONS caps the open sockets. Short limits here; the
// service's own come from httpLimits(config).
let stack: TestStack;
let server: Server;
let port: number;
const LIMITS: HttpLimits = { requestTimeoutMs: 1500, headersTimeoutMs: 1000, keepAliveTimeoutMs: 5000, maxConnections: 3, checkIntervalMs: 200 };

beforeAll(async () => {
  stack = await startStack();
  server = createHttpServer(stack.app, LIMITS);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await stack.close();
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** Writes `chunks` one every `everyMs` until the server closes the socket; resolves with what it answered and when. */
async function trickle(first: string, drip: string, everyMs: number): Promise<{ ms: number; answer: string }> {
  const socket = await open();
  const t0 = performance.now();
  let answer = '';
  socket.on('data', (d) => (answer += String(d)));
  socket.write(first);
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(drip);
  }, everyMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      setTimeout(() => reject(new Error('still open after 10 s')), 10_000).unref();
    });
  } finally {
    clearInterval(timer);
    socket.destroy();
  }
  return { ms: performance.now() - t0, answer };
}

test('a body trickled one byte at a time is cut at requestTimeout (408)', async () => {
  const head = 'POST /cds-services/heme-patient-view HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{';
  const r = await trickle(head, ' ', 200);
  expect(r.ms).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 100);
  expect(r.ms).toBeLessThan(LIMITS.requestTimeoutMs + 2 * LIMITS.checkIntervalMs + 1000);
  expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
});

test('headers trickled one byte at a time are cut at headersTimeout', async () => {
  const r = await trickle('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'a', 200);
  expect(r.ms).toBeLessThan(LIMITS.headersTimeoutMs + 2 * LIMITS.checkIntervalMs + 1000);
  expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
});

test('MAX_CONNECTIONS: a connection over the cap is closed on arrival; one is accepted again once a slot frees', async () => {
  const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => open()));
  await new Promise((r) => setTimeout(r, 100));
  const extra = await open();
  const closed = await new Promise<boolean>((resolve) => {
    extra.on('close', () => resolve(true));
    extra.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    setTimeout(() => resolve(false), 2000).unref();
  });
  expect(closed).toBe(true);
  held[0]?.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const again = await open();
  const answer = await new Promise<string>((resolve) => {
    let text = '';
    again.on('data', (d) => {
      text += String(d);
      if (text.includes('\r\n\r\n')) resolve(text);
    });
    again.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  });
  expect(answer).toMatch(/^HTTP\/1\.1 200/);
  for (const s of [...held, again]) s.destroy();
});

test('the service limits: headersTimeout <= requestTimeout for every deadline, MAX_CONNECTIONS from the environment', () => {
  for (const deadline of ['100', '2000', '60000']) {
    const l = httpLimits(loadConfig({ CDS_DEADLINE_MS: deadline }));
    expect(l.headersTimeoutMs).toBeLessThanOrEqual(l.requestTimeoutMs);
    expect(l.checkIntervalMs).toBeLessThan(l.headersTimeoutMs);
  }
  expect(httpLimits(loadConfig({})).maxConnections).toBe(512);
  expect(httpLimits(loadConfig({ MAX_CONNECTIONS: '20' })).maxConnections).toBe(20);
  expect(() => loadConfig({ MAX_CONNECTIONS: '0' })).toThrow(/MAX_CONNECTIONS/);
});
