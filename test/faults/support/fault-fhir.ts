import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// FHIR servers that misbehave in one specific way each, on real sockets (127.0.0.1, port 0).
// Every server has its own port, hence its own base URL, hence its own circuit breaker in the
// service: one fault case cannot open the breaker for the next and hide the fault behind it.

export type FaultMode =
  | { kind: 'hang' }
  /** Headers and a valid empty Bundle, but only after `delayMs`. */
  | { kind: 'slow'; delayMs: number }
  /** 200 and headers at once, then the body one byte every `intervalMs` (never completes in time). */
  | { kind: 'drip'; intervalMs: number }
  /** 200 with this exact body text (invalid JSON, HTML, empty, JSON that is not a resource). */
  | { kind: 'body'; status: number; contentType: string; text: string }
  /** 200 with a syntactically valid Bundle of about `bytes` bytes, streamed (never held in memory here). */
  | { kind: 'huge'; bytes: number; contentLength: boolean }
  /** Accepts the connection, then destroys the socket without answering. */
  | { kind: 'reset' };

export interface FaultFhirServer {
  baseUrl: string;
  /** Requests received so far. */
  requests(): number;
  /** Bytes of body written to clients so far (huge mode). */
  bytesSent(): number;
  close(): Promise<void>;
}

const OBSERVATION_ENTRY = JSON.stringify({
  fullUrl: 'urn:uuid:x',
  resource: {
    resourceType: 'Observation',
    id: 'obs',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '1751-7' }] },
    subject: { reference: 'Patient/p' },
    effectiveDateTime: '2026-01-01',
    valueQuantity: { value: 30, unit: 'g/L', system: 'http://unitsofmeasure.org', code: 'g/L' },
  },
});

function streamHugeBundle(res: ServerResponse, bytes: number, contentLength: boolean, sent: { n: number }): void {
  const head = '{"resourceType":"Bundle","type":"searchset","entry":[';
  const tail = ']}';
  const entry = Buffer.from(OBSERVATION_ENTRY + ',');
  const count = Math.max(1, Math.floor((bytes - head.length - tail.length) / entry.length));
  const total = head.length + count * entry.length - 1 + tail.length;
  res.writeHead(200, {
    'content-type': 'application/fhir+json',
    ...(contentLength ? { 'content-length': String(total) } : {}),
  });
  res.write(head);
  sent.n += head.length;
  // 256 entries per write keeps the chunk near 100 kB; backpressure decides the pace.
  const perChunk = 256;
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => entry));
  let written = 0;
  const pump = (): void => {
    while (written < count) {
      const n = Math.min(perChunk, count - written);
      let buf = n === perChunk ? chunk : chunk.subarray(0, n * entry.length);
      written += n;
      if (written === count) buf = buf.subarray(0, buf.length - 1); // no comma after the last entry
      sent.n += buf.length;
      if (!res.write(buf)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(tail);
    sent.n += tail.length;
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

export async function startFaultFhirServer(mode: FaultMode): Promise<FaultFhirServer> {
  let count = 0;
  const sent = { n: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    count += 1;
    req.resume();
    switch (mode.kind) {
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'slow': {
        const t = setTimeout(() => {
          timers.delete(t);
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': 'application/fhir+json' });
          res.end('{"resourceType":"Bundle","type":"searchset","entry":[]}');
        }, mode.delayMs);
        timers.add(t);
        return;
      }
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/fhir+json' });
        res.write('{');
        const t = setInterval(() => {
          if (res.destroyed) {
            clearInterval(t);
            timers.delete(t);
            return;
          }
          res.write(' ');
        }, mode.intervalMs);
        timers.add(t);
        res.on('close', () => {
          clearInterval(t);
          timers.delete(t);
        });
        return;
      }
      case 'body':
        res.writeHead(mode.status, { 'content-type': mode.contentType });
        res.end(mode.text);
        return;
      case 'huge':
        streamHugeBundle(res, mode.bytes, mode.contentLength, sent);
        return;
    }
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/fhir`,
    requests: () => count,
    bytesSent: () => sent.n,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
