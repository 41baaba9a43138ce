// CDS Hooks 2.0 response shapes (https://cds-hooks.hl7.org/2.0/#cds-service-response).
// Optional fields are omitted rather than sent empty: the spec forbids null, "", [] and {}.

import type { Indicator } from '../clinical/types.js';

export interface Coding {
  system: string;
  code: string;
  /** Required by CDS Hooks for `overrideReasons`; optional for `source.topic`. */
  display?: string;
}

export interface Source {
  label: string;
  url?: string;
  icon?: string;
  topic?: Coding;
}

/** A FHIR resource as plain JSON (suggested resources are built from templates, not typed models). */
export interface FhirResourceJson {
  resourceType: string;
  [key: string]: unknown;
}

export type ActionType = 'create' | 'update' | 'delete';

export interface Action {
  type: ActionType;
  description: string;
  /** The new resource (`create`) or the entire updated resource (`update`). */
  resource?: FhirResourceJson;
  /** `Type/id` of the resource to delete. */
  resourceId?: string;
}

export interface Suggestion {
  label: string;
  uuid?: string;
  isRecommended?: boolean;
  actions?: Action[];
}

export type SelectionBehavior = 'at-most-one' | 'any';

export interface Link {
  label: string;
  url: string;
  type: 'absolute' | 'smart';
  appContext?: string;
  autolaunchable?: boolean;
}

export interface Card {
  uuid?: string;
  /** Fewer than 140 characters. */
  summary: string;
  /** GitHub-flavoured markdown. */
  detail?: string;
  indicator: Indicator;
  source: Source;
  suggestions?: Suggestion[];
  selectionBehavior?: SelectionBehavior;
  overrideReasons?: Coding[];
  links?: Link[];
  /** `urn:heme-cds:rules`: every rule code a merged card stands for (contract item 9). */
  extension?: Record<string, unknown>;
}

export interface CdsResponse {
  cards: Card[];
  systemActions?: Action[];
}
