import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { Bundle, CapabilityStatement, Observation, OperationOutcome, Patient, Resource } from '@medplum/fhirtypes';
import { startDemoFhirServer } from './server.js';
import type { DemoFhirServer } from './server.js';

const STARTUP_BUDGET_MS = 20_000;
const FHIR_JSON = { 'Content-Type': 'application/fhir+json' };

let server: DemoFhirServer;
let startupMs: number;

beforeAll(async () => {
  const started = performance.now();
  // Fixtures as written (their reference day), so the date searches below are stable.
  server = await startDemoFhirServer({ now: new Date('2026-11-22T10:00:00Z') });
  startupMs = performance.now() - started;
});

afterAll(async () => {
  await server.close();
});

interface Answer<T> {
  status: number;
  contentType: string | null;
  headers: Headers;
  body: T;
}

async function call<T = Resource>(path: string, init?: RequestInit): Promise<Answer<T>> {
  const res = await fetch(`${server.baseUrl}${path}`, init);
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    headers: res.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

function ids(bundle: Bundle): string[] {
  return (bundle.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
}

function expectOutcome(answer: Answer<unknown>, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/fhir\+json/);
  const outcome = answer.body as OperationOutcome;
  expect(outcome.resourceType).toBe('OperationOutcome');
  expect(outcome.issue[0]?.severity).toBe('error');
}

describe('startup', () => {
  it('indexes definitions, loads the fixtures and answers within the startup budget', () => {
    expect(startupMs).toBeLessThan(STARTUP_BUDGET_MS);
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
  });

  it('reuses the indexed definitions for a second server', async () => {
    const started = performance.now();
    const second = await startDemoFhirServer({ loadFixtures: false });
    const elapsed = performance.now() - started;
    try {
      expect(elapsed).toBeLessThan(Math.max(startupMs, 1000));
      const res = await fetch(`${second.baseUrl}/Patient/pat-new-myeloma`);
      expect(res.status).toBe(404);
    } finally {
      await second.close();
    }
  });
});

describe('metadata', () => {
  it('returns an R4 CapabilityStatement listing searchable resource types', async () => {
    const answer = await call<CapabilityStatement>('/metadata');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/fhir\+json/);
    const cs = answer.body;
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('4.0.1');
    expect(cs.kind).toBe('instance');
    expect(cs.status).toBe('active');
    const resources = cs.rest?.[0]?.resource ?? [];
    for (const type of ['Patient', 'Observation', 'Condition', 'MedicationRequest', 'ServiceRequest', 'Medication']) {
      const entry = resources.find((r) => r.type === type);
      expect(entry?.interaction?.map((i) => i.code)).toEqual(expect.arrayContaining(['read', 'search-type']));
      expect(entry?.interaction?.map((i) => i.code)).not.toEqual(expect.arrayContaining(['create']));
    }
    expect(cs.rest?.[0]?.interaction?.map((i) => i.code)).toEqual(['batch']);
    const observationParams = resources.find((r) => r.type === 'Observation')?.searchParam?.map((p) => p.name);
    expect(observationParams).toEqual(expect.arrayContaining(['patient', 'subject', 'code', 'date', '_id']));
    // Quantity parameters are not matched in memory, so they are not advertised.
    expect(observationParams).not.toContain('value-quantity');
  });
});

describe('read', () => {
  it('reads a fixture patient with its fixed id', async () => {
    const answer = await call<Patient>('/Patient/pat-new-myeloma');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/fhir\+json/);
    expect(answer.body.resourceType).toBe('Patient');
    expect(answer.body.id).toBe('pat-new-myeloma');
    expect(answer.body.identifier?.[0]?.system).toBe('urn:heme-cds:demo');
    expect(answer.headers.get('etag')).toMatch(/^W\/".+"$/);
  });

  it('answers 404 with an OperationOutcome for an unknown id', async () => {
    expectOutcome(await call('/Patient/does-not-exist'), 404);
  });

  it('answers 404 for an unknown resource type', async () => {
    expectOutcome(await call('/Bogus/pat-new-myeloma'), 404);
    expectOutcome(await call('/Bogus?patient=x'), 404);
  });
});

// The searches the service's prefetch and fallback use, each with a bare id and with `Patient/`.
const SERVICE_SEARCHES: { name: string; query: (patient: string) => string; patient: string; expected: number }[] = [
  { name: 'Condition', query: (p) => `/Condition?patient=${p}`, patient: 'pat-new-myeloma', expected: 1 },
  {
    name: 'Observation (ISS labs)',
    query: (p) =>
      `/Observation?patient=${p}&code=http://loinc.org|1952-1,http://loinc.org|1751-7&_sort=-date&_count=500`,
    patient: 'pat-new-myeloma',
    expected: 3,
  },
  {
    name: 'MedicationRequest',
    query: (p) => `/MedicationRequest?patient=${p}`,
    patient: 'pat-bortezomib-no-valaciclovir',
    expected: 4,
  },
  {
    name: 'MedicationAdministration',
    query: (p) => `/MedicationAdministration?patient=${p}`,
    patient: 'pat-dara-apheresis',
    expected: 10,
  },
  {
    name: 'MedicationStatement',
    query: (p) => `/MedicationStatement?patient=${p}`,
    patient: 'pat-lenalidomide-low-egfr',
    expected: 1,
  },
  { name: 'Procedure', query: (p) => `/Procedure?patient=${p}`, patient: 'pat-lenalidomide-low-egfr', expected: 1 },
  { name: 'ServiceRequest', query: (p) => `/ServiceRequest?patient=${p}`, patient: 'pat-dara-apheresis', expected: 1 },
  { name: 'Observation by subject', query: (p) => `/Observation?subject=${p}`, patient: 'pat-new-myeloma', expected: 16 },
];

describe('service searches', () => {
  it.each(SERVICE_SEARCHES)('$name: bare id and Patient/ reference return the same entries', async (search) => {
    const bare = await call<Bundle>(search.query(search.patient));
    const typed = await call<Bundle>(search.query(`Patient/${search.patient}`));
    expect(bare.status).toBe(200);
    expect(typed.status).toBe(200);
    expect(bare.body.resourceType).toBe('Bundle');
    expect(bare.body.type).toBe('searchset');
    expect(bare.body.total).toBe(search.expected);
    expect(ids(bare.body)).toHaveLength(search.expected);
    expect(ids(bare.body)).toEqual(ids(typed.body));
  });

  it('keeps other patients out of a patient search', async () => {
    const answer = await call<Bundle>('/Observation?patient=pat-mgus');
    for (const entry of answer.body.entry ?? []) {
      expect((entry.resource as Observation).subject?.reference).toBe('Patient/pat-mgus');
    }
    expect(answer.body.total).toBe(10);
  });

  it('gives searchset entries a fullUrl, search mode and a self link', async () => {
    const answer = await call<Bundle>('/Condition?patient=pat-new-myeloma');
    const entry = answer.body.entry?.[0];
    expect(entry?.fullUrl).toBe(`${server.baseUrl}/Condition/newmm-cond-myeloma`);
    expect(entry?.search?.mode).toBe('match');
    expect(answer.body.link?.find((l) => l.relation === 'self')?.url).toBe(
      `${server.baseUrl}/Condition?patient=pat-new-myeloma`,
    );
  });

  it('finds Medications by a list of ids', async () => {
    const answer = await call<Bundle>('/Medication?_id=vrd-med-lenalidomide,no-such-medication');
    expect(answer.status).toBe(200);
    expect(ids(answer.body)).toEqual(['Medication/vrd-med-lenalidomide']);
  });

  it('accepts the Type modifier with a bare id', async () => {
    const answer = await call<Bundle>('/Observation?subject:Patient=pat-iss-nmol');
    expect(answer.body.total).toBe(2);
  });

  it('leaves absolute reference URLs alone', async () => {
    const answer = await call<Bundle>(
      `/Observation?patient=${encodeURIComponent('http://elsewhere.example/fhir/Patient/pat-new-myeloma')}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(0);
  });
});

function effective(resource: Resource | undefined): number {
  return Date.parse((resource as Observation).effectiveDateTime ?? '');
}

describe('sorting and filtering', () => {
  it('_sort=-date returns the newest Observation first', async () => {
    const answer = await call<Bundle>('/Observation?patient=pat-new-myeloma&_sort=-date');
    const times = (answer.body.entry ?? []).map((e) => effective(e.resource));
    expect(times).toHaveLength(16);
    expect(times.every((t) => !Number.isNaN(t))).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times[0]).toBeGreaterThan(times[times.length - 1] ?? Infinity);
  });

  it('_sort=date returns the oldest first', async () => {
    const answer = await call<Bundle>('/Observation?patient=pat-lenalidomide-low-egfr&_sort=date');
    const times = (answer.body.entry ?? []).map((e) => effective(e.resource));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeLessThan(times[times.length - 1] ?? -Infinity);
  });

  it('the first _sort key is the primary one', async () => {
    const answer = await call<Bundle>('/Observation?patient=pat-new-myeloma&_sort=-date,_id');
    const rows = (answer.body.entry ?? []).map((e) => ({ t: effective(e.resource), id: e.resource?.id ?? '' }));
    for (let i = 1; i < rows.length; i++) {
      const [prev, cur] = [rows[i - 1], rows[i]];
      if (!prev || !cur) continue;
      expect(prev.t).toBeGreaterThanOrEqual(cur.t);
      if (prev.t === cur.t) expect(prev.id.localeCompare(cur.id)).toBeLessThan(0);
    }
  });

  it('filters by code with and without system', async () => {
    const withSystem = await call<Bundle>('/Observation?patient=pat-new-myeloma&code=http://loinc.org|1952-1');
    expect(ids(withSystem.body)).toEqual(['Observation/newmm-obs-b2m']);
    const codeOnly = await call<Bundle>('/Observation?patient=pat-new-myeloma&code=1952-1');
    expect(ids(codeOnly.body)).toEqual(['Observation/newmm-obs-b2m']);
    const wrongSystem = await call<Bundle>('/Observation?patient=pat-new-myeloma&code=http://snomed.info/sct|1952-1');
    expect(wrongSystem.body.total).toBe(0);
    const local = await call<Bundle>('/Observation?patient=pat-new-myeloma&code=urn:heme-cds:fish-finding|gain1q');
    expect(ids(local.body)).toEqual(['Observation/newmm-obs-fish-gain1q']);
  });

  it('filters by date prefix', async () => {
    const answer = await call<Bundle>('/Observation?patient=pat-lenalidomide-low-egfr&date=ge2026-11-01');
    expect(ids(answer.body).sort()).toEqual(['Observation/len-obs-creatinine', 'Observation/len-obs-egfr']);
  });

  it('pages with _count and a next link', async () => {
    const first = await call<Bundle>('/Observation?patient=pat-new-myeloma&_sort=-date&_count=5');
    expect(first.body.total).toBe(16);
    expect(first.body.entry).toHaveLength(5);
    const next = first.body.link?.find((l) => l.relation === 'next')?.url;
    expect(next).toContain('_offset=5');
    const second = await fetch(next ?? '').then((r) => r.json() as Promise<Bundle>);
    expect(second.entry).toHaveLength(5);
    expect(ids(second).some((id) => ids(first.body).includes(id))).toBe(false);
    const last = await call<Bundle>('/Observation?patient=pat-new-myeloma&_count=5&_offset=15');
    expect(last.body.entry).toHaveLength(1);
    expect(last.body.link?.some((l) => l.relation === 'next')).toBe(false);
  });

  it('_summary=count returns only the total', async () => {
    const answer = await call<Bundle>('/Observation?patient=pat-new-myeloma&_summary=count&_count=5');
    expect(answer.body.total).toBe(16);
    expect(answer.body.entry).toBeUndefined();
    expect(answer.body.link?.some((l) => l.relation === 'next')).toBe(false);
  });

  it('POST _search with a form body matches GET', async () => {
    const get = await call<Bundle>('/Observation?patient=pat-new-myeloma&code=http://loinc.org|1952-1,http://loinc.org|1751-7');
    const post = await call<Bundle>('/Observation/_search', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ patient: 'pat-new-myeloma', code: 'http://loinc.org|1952-1,http://loinc.org|1751-7' }).toString(),
    });
    expect(post.status).toBe(200);
    expect(ids(post.body).sort()).toEqual(ids(get.body).sort());
    expect(post.body.total).toBe(3);
  });

  it('ignores unknown parameters unless strict handling is asked for', async () => {
    const lenient = await call<Bundle>('/Condition?patient=pat-new-myeloma&no-such-param=1');
    expect(lenient.body.total).toBe(1);
    expect(lenient.body.link?.[0]?.url).not.toContain('no-such-param');
    expectOutcome(await call('/Condition?patient=pat-new-myeloma&no-such-param=1', { headers: { Prefer: 'handling=strict' } }), 400);
  });
});

describe('batch and transaction', () => {
  it('runs searches in a batch, with bare ids expanded', async () => {
    const answer = await call<Bundle>('', {
      method: 'POST',
      headers: FHIR_JSON,
      body: JSON.stringify({
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { request: { method: 'GET', url: 'Condition?patient=pat-new-myeloma' } },
          { request: { method: 'GET', url: 'Patient/pat-mgus' } },
        ],
      }),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.type).toBe('batch-response');
    const [search, read] = answer.body.entry ?? [];
    expect(search?.response?.status).toBe('200');
    expect((search?.resource as Bundle).total).toBe(1);
    expect(read?.resource?.id).toBe('pat-mgus');
  });

  it('refuses a transaction with 405 and an OperationOutcome, storing nothing (read-only)', async () => {
    const answer = await call('', {
      method: 'POST',
      headers: FHIR_JSON,
      body: JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: { resourceType: 'Patient', id: 'pat-posted', gender: 'other' },
            request: { method: 'PUT', url: 'Patient/pat-posted' },
          },
        ],
      }),
    });
    expectOutcome(answer, 405);
    expect(answer.headers.get('allow')).toBe('GET, POST, OPTIONS');
    expectOutcome(await call('/Patient/pat-posted'), 404);
  });

  it('refuses a batch that holds a write with 405, running none of its entries', async () => {
    const answer = await call('', {
      method: 'POST',
      headers: FHIR_JSON,
      body: JSON.stringify({
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { request: { method: 'GET', url: 'Patient/pat-mgus' } },
          { resource: { resourceType: 'Patient', id: 'pat-batch-put' }, request: { method: 'PUT', url: 'Patient/pat-batch-put' } },
        ],
      }),
    });
    expectOutcome(answer, 405);
    expectOutcome(await call('/Patient/pat-batch-put'), 404);
  });
});

describe('read-only', () => {
  const writes: { name: string; path: string; init: RequestInit }[] = [
    { name: 'PUT a resource', path: '/Patient/pat-mgus', init: { method: 'PUT', headers: FHIR_JSON, body: '{"resourceType":"Patient","id":"pat-mgus"}' } },
    { name: 'DELETE a resource', path: '/Patient/pat-mgus', init: { method: 'DELETE' } },
    { name: 'PATCH a resource', path: '/Patient/pat-mgus', init: { method: 'PATCH', headers: { 'Content-Type': 'application/json-patch+json' }, body: '[]' } },
    { name: 'POST (create) a resource', path: '/Patient', init: { method: 'POST', headers: FHIR_JSON, body: '{"resourceType":"Patient"}' } },
    { name: 'conditional DELETE', path: '/Observation?patient=pat-mgus', init: { method: 'DELETE' } },
  ];

  it.each(writes)('$name -> 405 OperationOutcome with Allow', async ({ path, init }) => {
    const answer = await call(path, init);
    expectOutcome(answer, 405);
    expect(answer.headers.get('allow')).toBe('GET, POST, OPTIONS');
  });

  it('still has the patient that the writes named', async () => {
    expect((await call<Patient>('/Patient/pat-mgus')).body.id).toBe('pat-mgus');
    expect((await call<Bundle>('/Observation?patient=pat-mgus&_summary=count')).body.total).toBeGreaterThan(0);
  });
});

describe('CORS for pages on this machine', () => {
  const LOCAL_PAGE = 'http://localhost:8080';

  it('answers a preflight from a loopback origin with 204, the origin and Authorization allowed', async () => {
    const res = await fetch(`${server.baseUrl}/Patient/pat-mgus`, {
      method: 'OPTIONS',
      headers: { Origin: LOCAL_PAGE, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,accept' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(LOCAL_PAGE);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toContain('authorization');
    expect(res.headers.get('access-control-allow-methods')).toContain('GET');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it.each(['http://127.0.0.1:3000', 'http://[::1]:8000', 'https://localhost'])('allows %s to read a resource', async (origin) => {
    const res = await fetch(`${server.baseUrl}/Patient/pat-mgus`, { headers: { Origin: origin, Authorization: 'Bearer x' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it.each(['https://sandbox.example.org', 'http://localhost.example.org', 'http://127.0.0.1.example.org:80', 'null'])(
    'gives %s no CORS headers, preflight or read',
    async (origin) => {
      const preflight = await fetch(`${server.baseUrl}/Patient/pat-mgus`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      const read = await fetch(`${server.baseUrl}/Patient/pat-mgus`, { headers: { Origin: origin } });
      expect(read.headers.get('access-control-allow-origin')).toBeNull();
    },
  );
});

describe('bad input never crashes the server', () => {
  const garbage: { name: string; path: string; init?: RequestInit; status: number }[] = [
    { name: 'path outside the base', path: '/../../etc/passwd', status: 404 },
    { name: 'deep path', path: '/Patient/pat-mgus/_history/1/x', status: 404 },
    { name: 'bad percent-encoding', path: '/Patient/%E0%A4%A', status: 400 },
    { name: 'invalid id', path: '/Patient/$$$', status: 400 },
    { name: 'overlong id', path: `/Patient/${'a'.repeat(65)}`, status: 400 },
    { name: 'system search', path: '?_type=Patient', status: 404 },
    { name: 'non-numeric _count', path: '/Observation?_count=abc', status: 400 },
    { name: 'negative _offset', path: '/Observation?_offset=-1', status: 400 },
    { name: 'malformed date', path: '/Observation?date=yesterday', status: 400 },
    { name: 'quantity search', path: '/Observation?value-quantity=gt5', status: 400 },
    { name: 'chained search', path: '/Observation?patient.name=x', status: 400 },
    { name: 'unsupported modifier', path: '/Observation?code:text=x', status: 400 },
    {
      name: 'invalid JSON batch',
      path: '',
      init: { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: '{"resourceType":' },
      status: 400,
    },
    {
      name: 'non-Bundle batch',
      path: '',
      init: { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: '{"resourceType":"Patient"}' },
      status: 400,
    },
    {
      name: 'collection Bundle',
      path: '',
      init: { method: 'POST', headers: FHIR_JSON, body: '{"resourceType":"Bundle","type":"collection","entry":[]}' },
      status: 400,
    },
    {
      name: 'Bundle with non-array entry',
      path: '',
      init: { method: 'POST', headers: FHIR_JSON, body: '{"resourceType":"Bundle","type":"batch","entry":"x"}' },
      status: 400,
    },
    { name: 'JSON array body', path: '', init: { method: 'POST', headers: FHIR_JSON, body: '[1,2]' }, status: 400 },
    {
      name: 'wrong media type',
      path: '',
      init: { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hello' },
      status: 415,
    },
  ];

  it.each(garbage)('$name -> $status OperationOutcome', async ({ path, init, status }) => {
    expectOutcome(await call(path, init), status);
  });

  it('answers 404 outside /fhir', async () => {
    const res = await fetch(server.baseUrl.replace(/\/fhir$/, '/nothing-here'));
    expect(res.status).toBe(404);
    expect(((await res.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
  });

  it('reports bad batch entries per entry', async () => {
    const answer = await call<Bundle>('', {
      method: 'POST',
      headers: FHIR_JSON,
      body: JSON.stringify({
        resourceType: 'Bundle',
        type: 'batch',
        entry: [{ request: { method: 'GET', url: 'Nope/1' } }, { request: { method: 'GET', url: 'Patient/pat-mgus' } }],
      }),
    });
    expect(answer.status).toBe(200);
    const [bad, good] = answer.body.entry ?? [];
    expect(bad?.response?.status).toBe('404');
    expect(good?.response?.status).toBe('200');
  });

  it('survives a malformed HTTP request on a raw socket', async () => {
    const port = Number(new URL(server.baseUrl).port);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await call('/metadata')).status).toBe(200);
  });

  it('still serves the fixtures after all of the above', async () => {
    expect((await call<Patient>('/Patient/pat-mgus')).body.id).toBe('pat-mgus');
  });
});

describe('close', () => {
  it('closes cleanly and idempotently, refusing new connections', async () => {
    const other = await startDemoFhirServer({ loadFixtures: false });
    const res = await fetch(`${other.baseUrl}/metadata`);
    expect(res.status).toBe(200);
    await other.close();
    await expect(other.close()).resolves.toBeUndefined();
    await expect(fetch(`${other.baseUrl}/metadata`)).rejects.toThrow();
  });

  it('rejects when the port is taken', async () => {
    const port = Number(new URL(server.baseUrl).port);
    await expect(startDemoFhirServer({ port, loadFixtures: false })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('loopback only', () => {
  it.each(['0.0.0.0', '::', '192.0.2.10', 'example.org'])('refuses to bind %s', async (host) => {
    await expect(startDemoFhirServer({ host, loadFixtures: false })).rejects.toThrow(/only binds a loopback address/);
  });
});

describe('bounded caches', () => {
  function metadataWithHost(hostHeader: string): Promise<{ status: number; body: CapabilityStatement }> {
    const { port } = new URL(server.baseUrl);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/fhir/metadata', headers: { Host: hostHeader } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as CapabilityStatement }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('answers each of 100 Host headers with its own base URL while keeping a bounded cache', async () => {
    for (let i = 0; i < 100; i++) {
      const answer = await metadataWithHost(`host-${i}.test:8081`);
      expect(answer.status).toBe(200);
      expect(answer.body.implementation?.url).toBe(`http://host-${i}.test:8081/fhir`);
    }
    // An insane Host header falls back to the server's own base.
    expect((await metadataWithHost(`${'a'.repeat(300)}.test`)).body.implementation?.url).toBe(server.baseUrl);
  });
});
