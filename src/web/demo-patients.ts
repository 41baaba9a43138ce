import { existsSync, readFileSync } from 'node:fs';
import { fromRoot } from '../paths.js';
import type { Hook } from '../clinical/types.js';

// The demo patients the page offers are the ones fixtures/scenarios.json lists (the single list of
// synthetic patients, with a summary and the hook calls a clinician would make on each). Read once
// at start-up; an image without fixtures/ simply has no demo patients.

export interface DemoDraft {
  atc?: string;
  rxnorm?: string;
  service?: string;
  text: string;
  dose?: { value: number; unit: string };
  date?: string;
  status?: string;
}

export interface DemoCall {
  hook: Hook;
  drafts?: DemoDraft[];
  /** Topic codes of the cards the scenario expects. */
  expect: string[];
}

export interface DemoPatient {
  id: string;
  summary: string;
  calls: DemoCall[];
}

export function loadDemoPatients(file: string = fromRoot('fixtures', 'scenarios.json')): DemoPatient[] {
  if (!existsSync(file)) return [];
  const data = JSON.parse(readFileSync(file, 'utf8')) as { patients?: Record<string, { summary: string; calls: DemoCall[] }> };
  return Object.entries(data.patients ?? {}).map(([id, p]) => ({ id, summary: p.summary, calls: p.calls }));
}

/** `stage-iss.not-evaluable` -> `stage-iss`. */
export function ruleOfTopic(topic: string): string {
  return topic.replace(/\.not-evaluable$/, '');
}
