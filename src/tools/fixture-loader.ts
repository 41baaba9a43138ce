import type { Bundle, BundleEntry, OperationOutcome } from '@medplum/fhirtypes';

// Puts the synthetic patients into any FHIR R4 server (HAPI FHIR, a vendor's test server): one
// transaction Bundle per patient, every entry a `PUT Type/id`, so ids are kept and a second run
// updates the same resources instead of adding copies.

export interface LoadOptions {
  /** FHIR base URL, e.g. http://localhost:8090/fhir. */
  fhirBase: string;
  bundles: readonly Bundle[];
  /** Sent as `Authorization: Bearer …` when the server needs it. */
  bearerToken?: string;
  /** Per request. */
  timeoutMs?: number;
}

export interface BundleResult {
  /** The patient id of the bundle. */
  patient: string;
  resources: number;
  /** HTTP status of the transaction. */
  status: number;
  /** Entry statuses, e.g. { '201': 10 } on a first load, { '200': 10 } on a reload. */
  statuses: Record<string, number>;
  error?: string;
}

function patientOf(bundle: Bundle): string {
  const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource;
  return patient?.id ?? '(no Patient)';
}

/** The bundle as a transaction of PUTs under each resource's own id (the files already are). */
export function asPutTransaction(bundle: Bundle): Bundle {
  const entry: BundleEntry[] = (bundle.entry ?? []).map((e, i) => {
    const resource = e.resource;
    if (!resource?.id) throw new Error(`${patientOf(bundle)}: entry ${i} has no resource id, so it cannot be PUT under its id`);
    // No fullUrl: references are plain `Type/id`, which a server resolves against the PUT urls.
    return { resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } };
  });
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

function outcomeText(body: unknown): string | undefined {
  const outcome = body as OperationOutcome | undefined;
  if (outcome?.resourceType !== 'OperationOutcome') return undefined;
  return outcome.issue?.map((i) => i.diagnostics ?? i.details?.text ?? i.code).join('; ');
}

export async function loadBundle(bundle: Bundle, opts: Omit<LoadOptions, 'bundles'>): Promise<BundleResult> {
  const transaction = asPutTransaction(bundle);
  const patient = patientOf(bundle);
  const resources = transaction.entry?.length ?? 0;
  let res: Response;
  try {
    res = await fetch(opts.fhirBase.replace(/\/+$/, ''), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/fhir+json',
        Accept: 'application/fhir+json',
        ...(opts.bearerToken ? { Authorization: `Bearer ${opts.bearerToken}` } : {}),
      },
      body: JSON.stringify(transaction),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
  } catch (err) {
    return { patient, resources, status: 0, statuses: {}, error: (err as Error).message };
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const statuses: Record<string, number> = {};
  if (!res.ok) {
    const why = outcomeText(body) ?? (text.slice(0, 200) || res.statusText);
    return { patient, resources, status: res.status, statuses, error: `HTTP ${res.status}: ${why}` };
  }
  const entries = (body as Bundle | undefined)?.entry ?? [];
  for (const e of entries) {
    const code = (e.response?.status ?? '?').split(' ')[0] ?? '?';
    statuses[code] = (statuses[code] ?? 0) + 1;
  }
  const failed = Object.keys(statuses).filter((code) => !code.startsWith('2'));
  if (entries.length !== resources || failed.length > 0) {
    return { patient, resources, status: res.status, statuses, error: `the server answered ${entries.length} of ${resources} entries, statuses ${JSON.stringify(statuses)}` };
  }
  return { patient, resources, status: res.status, statuses };
}

/** Loads every bundle, one transaction each, in order; never stops at the first failure. */
export async function loadFixtures(opts: LoadOptions): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const bundle of opts.bundles) results.push(await loadBundle(bundle, opts));
  return results;
}

/** Waits until `GET {base}/metadata` answers 200, for servers still starting (HAPI takes a minute). */
export async function waitForServer(fhirBase: string, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${fhirBase.replace(/\/+$/, '')}/metadata`, { headers: { Accept: 'application/fhir+json' }, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 2000));
  }
}
