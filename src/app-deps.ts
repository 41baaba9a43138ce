// What the app and its handlers are given: a module of its own so the handlers need not import app.ts.
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Storage } from './storage/types.js';
import type { ServiceDefinition } from './services.js';
import type { Terminology } from './clinical/terminology/types.js';
import type { CardTemplates } from './cards/templates.js';
import type { Metrics } from './observability/metrics.js';
import type { AuditWriter } from './storage/audit-writer.js';
import type { PageAnchor, SlugFn } from './protocol/sources.js';

export interface CallerIdentity {
  iss: string;
  tenant?: string;
  /** FHIR servers this client may name (`fhir_servers` in CDS_TRUSTED_CLIENTS_FILE). */
  fhirServers: readonly string[];
}

export interface Authenticator {
  verify(authorizationHeader: string | undefined, acceptedAudiences: string[]): Promise<CallerIdentity | null>;
}

/** What authentication leaves in `res.locals` for the handlers after it. */
export interface CallLocals {
  auth?: CallerIdentity;
  /** Time spent verifying the token, for the audit's durations. */
  authMs?: number;
}

export interface AppDeps {
  config: Config;
  storage: Storage;
  services: ServiceDefinition[];
  terminology: Terminology;
  templates: CardTemplates;
  /** Undefined = authentication off (loopback development, or CDS_AUTH=off). */
  authenticator?: Authenticator;
  logger: Logger;
  metrics: Metrics;
  auditWriter: AuditWriter;
  pseudonymSecret: string;
  clock: () => Date;
  /** Seed sections cited by the card templates, per source document (for /sources anchors). */
  citedSections: Map<string, string[]>;
  slug: SlugFn;
  /** FHIR base of the demo server (synthetic patients) the page offers; undefined when it is off. */
  demoFhirBaseUrl?: string;
  /** Anchors of the /sources pages (one per cited section and printing). */
  citedAnchors: Map<string, PageAnchor[]>;
}
