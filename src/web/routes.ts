import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { allRules } from '../clinical/rules/index.js';
import { buildSnapshot } from '../clinical/snapshot/build.js';
import { resolvePrefetch } from '../protocol/prefetch.js';
import { sendError } from '../protocol/errors.js';
import { fromRoot } from '../paths.js';
import { buildCatalogue } from './catalogue.js';
import { loadDemoPatients, ruleOfTopic } from './demo-patients.js';
import { orderableConcepts } from './concepts.js';
import { patientsWithResponseFindings } from './response-patients.js';
import { responseSeries } from './series.js';

// The page for people at `/`: card preview, response plot and rule catalogue (web/ holds the HTML,
// CSS and browser script). The browser calls the service's own hook endpoints, exactly as an EHR
// does, so the preview shows the real pipeline. With authentication on, those calls need a JWT the
// browser does not have: the page then says so, and the one endpoint here that reads patient data
// (the series, from the demo FHIR server only) refuses, so nothing here is a way around auth.

/** No inline script or style anywhere on the page; everything comes from this origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function pageHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  next();
}

/** Browser builds of the page's libraries, served from node_modules (the machine has no CDN). */
const VENDOR: Record<string, string> = {
  marked: fromRoot('node_modules', 'marked', 'lib'),
  dompurify: fromRoot('node_modules', 'dompurify', 'dist'),
  uplot: fromRoot('node_modules', 'uplot', 'dist'),
};

const SERIES_TIMEOUT_MS = 5000;

export function createWebRouter(deps: AppDeps): Router {
  const { templates, terminology, services, config, slug } = deps;
  const router = express.Router();
  const patients = loadDemoPatients();
  const patientIds = new Set(patients.map((p) => p.id));
  const catalogue = buildCatalogue(allRules, templates, patients, slug);
  const responseRules = new Set(catalogue.filter((r) => r.area === 'response').map((r) => r.id));
  const authOn = deps.authenticator !== undefined;
  const demoFhirBase = authOn ? undefined : deps.demoFhirBaseUrl;
  const patientView = services.find((s) => s.hook === 'patient-view');

  // A response finding may be inside the merged overview card (another rule's topic code), so the
  // scenario's topic codes alone do not tell: the response rules are also run over the charts, once,
  // on the first request (not at start-up).
  let setup: object | undefined;
  const buildSetup = () => {
    const withFindings = patientsWithResponseFindings(
      allRules.filter((r) => responseRules.has(r.id)),
      terminology,
      deps.clock(),
    );
    return {
      auth: authOn ? 'required' : 'off',
      locale: config.locale,
      demoFhirBase: demoFhirBase ?? null,
      services: services.map((s) => ({ id: s.id, hook: s.hook })),
      patients: patients.map((p) => ({
        ...p,
        responseCards: withFindings.has(p.id) || p.calls.some((c) => c.expect.some((t) => responseRules.has(ruleOfTopic(t)))),
      })),
    };
  };
  const concepts = orderableConcepts(terminology);

  router.get('/', pageHeaders, (_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile(fromRoot('web', 'index.html'));
  });
  router.use('/ui/api', pageHeaders);
  router.get('/ui/api/setup', (_req, res) => {
    setup ??= buildSetup();
    res.json(setup);
  });
  router.get('/ui/api/concepts', (_req, res) => {
    res.json(concepts);
  });
  router.get('/ui/api/catalogue', (_req, res) => {
    res.json({ rules: catalogue });
  });
  router.get('/ui/api/series/:patientId', async (req, res) => {
    if (authOn) return sendError(res, 403, 'the preview works only with authentication off (loopback development)');
    if (!demoFhirBase || !patientView) return sendError(res, 404, 'the demo FHIR server is off (DEMO_FHIR=off)');
    const patientId = String(req.params.patientId);
    if (!patientIds.has(patientId)) return sendError(res, 404, 'not a demo patient');
    const resolved = await resolvePrefetch(
      patientView,
      { fhirServer: demoFhirBase, context: { patientId } },
      { fetchDeadline: Date.now() + SERIES_TIMEOUT_MS, perRequestTimeoutMs: SERIES_TIMEOUT_MS },
    );
    if (resolved.unavailable.length > 0) return sendError(res, 502, 'the demo FHIR server did not give the patient data');
    const now = deps.clock();
    res.json(responseSeries(buildSnapshot(resolved.input, terminology, now), terminology, now));
  });
  router.use('/ui/api', (_req, res) => sendError(res, 404, 'not found'));

  router.use('/ui', pageHeaders, express.static(fromRoot('web'), { index: false, setHeaders: (res) => res.set('Cache-Control', 'no-cache') }));
  for (const [name, dir] of Object.entries(VENDOR)) {
    router.use(`/vendor/${name}`, pageHeaders, express.static(dir, { index: false, maxAge: '1d' }));
  }
  return router;
}
