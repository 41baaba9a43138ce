import request from 'supertest';
import { startDemoFhirServer } from '../../src/demo-fhir/server.js';
import { hookBody, startStack, fullPrefetch } from '../support/stack.js';
test('dbg', async () => {
  const now = new Date();
  const [stack, fhir] = await Promise.all([startStack({ now }), startDemoFhirServer({ host: '127.0.0.1', port: 0, now })]);
  const service = stack.runtime.deps.services.find((s) => s.id === 'heme-patient-view')!;
  const prefetch = await fullPrefetch(service.prefetch, fhir.baseUrl, 'pat-mgus');
  console.log(Object.keys(prefetch), JSON.stringify(prefetch.patient).slice(0, 300));
  const r = await request(stack.app).post('/cds-services/heme-patient-view').send(hookBody('patient-view', 'pat-mgus', { prefetch }));
  console.log(JSON.stringify(r.body.cards.map((c: { summary: string; detail: string }) => [c.summary, c.detail?.slice(0, 600)]), null, 1));
  await stack.close(); await fhir.close();
}, 120000);
