// Lookup indexes over validated terminology data, built once. Matching is tolerant of what clients
// send: any FHIR version's CodeableConcept, every coding (never only coding[0]), system aliases,
// ICD-10 with or without the dot, and a text fallback for medications that arrive without codes.
import { isRecord } from '../../type-guards.js';
import type { ConceptDef, ConceptKind, ConceptMatcher, TerminologyData } from './types.js';

/** Senders differ in trailing slashes and surrounding blanks; nothing else is normalised. */
export function normaliseSystemUri(uri: string): string {
  // A plain scan: a trailing-slash regular expression backtracks over every run of slashes, which
  // made a client's system of 100,000 slashes cost seconds.
  const trimmed = uri.trim();
  let end = trimmed.length;
  while (end > 0 && trimmed.charCodeAt(end - 1) === 47 /* / */) end--;
  return end === trimmed.length ? trimmed : trimmed.slice(0, end);
}

/** ICD-10 codes are compared without dots and case; ATC codes without case. */
function normaliseCode(systemKey: string, code: string): string {
  const trimmed = code.trim();
  if (systemKey === 'icd10') return trimmed.replace(/\./g, '').toUpperCase();
  if (systemKey === 'atc') return trimmed.toUpperCase();
  return trimmed;
}

/** Lower case, one space between words, so "Bortezomib  Accord" and "bortezomib accord" compare equal. */
function normaliseText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

// Client strings are bounded before any matching, so no request can buy unbounded work. No code,
// system URI or drug name the terminology knows comes near these lengths: a longer code or system
// matches nothing, and drug names are read from the first MAX_TEXT_LENGTH characters of a text.
export const MAX_CODE_LENGTH = 256;
export const MAX_SYSTEM_LENGTH = 1024;
export const MAX_TEXT_LENGTH = 4096;
/** Codings of one CodeableConcept that are read; FHIR records carry a handful. */
export const MAX_CODINGS = 64;
/** The system key of a system URI too long to be one we know: it equals no alias and no URI. */
const UNKNOWN_SYSTEM = '\u0000unknown';

const WORD_CHAR = /[\p{L}\p{N}]/u;
const WORD = /[\p{L}\p{N}]+/gu;

interface TextTerm {
  concept: string;
  term: string;
}

/**
 * Drug names by their first word, longest first. Text is then read word by word, looking up only
 * the names that start with that word: linear in the text whatever the number of names.
 */
interface TextIndex {
  byFirstWord: Map<string, TextTerm[]>;
  /** Names that do not start with a letter or digit (none today): searched for everywhere. */
  other: TextTerm[];
}

function textIndex(terms: TextTerm[]): TextIndex {
  const byFirstWord = new Map<string, TextTerm[]>();
  const other: TextTerm[] = [];
  for (const t of terms) {
    const first = /^[\p{L}\p{N}]+/u.exec(t.term)?.[0];
    if (first === undefined) {
      other.push(t);
      continue;
    }
    const list = byFirstWord.get(first) ?? [];
    list.push(t);
    byFirstWord.set(first, list);
  }
  for (const list of byFirstWord.values()) list.sort((a, b) => b.term.length - a.term.length);
  return { byFirstWord, other };
}

interface Span {
  concept: string;
  start: number;
  end: number;
}

function wholeWordAt(haystack: string, at: number, term: string): boolean {
  if (!haystack.startsWith(term, at)) return false;
  const before = at > 0 ? haystack[at - 1] : undefined;
  const after = haystack[at + term.length];
  return (before === undefined || !WORD_CHAR.test(before)) && (after === undefined || !WORD_CHAR.test(after));
}

/**
 * Whole-word occurrences of each name; a match inside a longer match of another drug is dropped
 * (melphalan in melphalan flufenamide). One pass over the words, then one sweep over the matches in
 * order of position, keeping the two farthest-reaching earlier matches of different drugs: a match
 * lies inside a longer one of another drug exactly when one of those reaches at least as far.
 */
function textMatches(haystack: string, index: TextIndex): string[] {
  const spans: Span[] = [];
  for (const m of haystack.matchAll(WORD)) {
    const candidates = index.byFirstWord.get(m[0]);
    if (candidates === undefined) continue;
    for (const { concept, term } of candidates) {
      if (wholeWordAt(haystack, m.index, term)) spans.push({ concept, start: m.index, end: m.index + term.length });
    }
  }
  for (const { concept, term } of index.other) {
    for (let at = haystack.indexOf(term); at >= 0; at = haystack.indexOf(term, at + 1)) {
      if (wholeWordAt(haystack, at, term)) spans.push({ concept, start: at, end: at + term.length });
    }
  }
  if (index.other.length > 0) spans.sort((a, b) => a.start - b.start || b.end - a.end);

  const kept = new Set<string>();
  let first: Span | undefined;
  let second: Span | undefined; // the farthest-reaching of a drug other than first's
  for (const s of spans) {
    const rival = first !== undefined && first.concept !== s.concept ? first : second;
    const inside = rival !== undefined && rival.end >= s.end && (rival.start < s.start || rival.end > s.end);
    if (!inside) kept.add(s.concept);
    if (first === undefined || s.end > first.end) {
      if (first !== undefined && first.concept !== s.concept) second = first;
      first = s;
    } else if (s.concept !== first.concept && (second === undefined || s.end > second.end)) {
      second = s;
    }
  }
  return [...kept];
}

export function buildTerminology(data: TerminologyData): ConceptMatcher {
  const concepts = new Map<string, ConceptDef>(Object.entries(data.concepts));

  const aliasOfUri = new Map<string, string>();
  for (const [alias, uris] of Object.entries(data.systems)) for (const uri of uris) aliasOfUri.set(normaliseSystemUri(uri), alias);
  const systemKey = (system: string): string => {
    if (system.length > MAX_SYSTEM_LENGTH) return UNKNOWN_SYSTEM;
    const uri = normaliseSystemUri(system);
    return aliasOfUri.get(uri) ?? uri;
  };

  const exact = new Map<string, string[]>();
  /** system key -> normalised prefix -> concept ids */
  const prefixes = new Map<string, Map<string, string[]>>();
  const push = (map: Map<string, string[]>, key: string, id: string): void => {
    const list = map.get(key);
    if (!list) map.set(key, [id]);
    else if (!list.includes(id)) list.push(id);
  };
  /** Per drug: the systems it has codes in. A coding in one of them blocks that drug's text fallback. */
  const drugSystems = new Map<string, Set<string>>();
  const textTerms: TextTerm[] = [];
  const byKind = new Map<ConceptKind, string[]>();

  for (const def of concepts.values()) {
    byKind.set(def.kind, [...(byKind.get(def.kind) ?? []), def.id]);
    for (const code of def.codes) {
      const key = code.system;
      const norm = normaliseCode(key, code.code);
      if (code.prefix) {
        let bySystem = prefixes.get(key);
        if (!bySystem) prefixes.set(key, (bySystem = new Map<string, string[]>()));
        push(bySystem, norm, def.id);
      } else {
        push(exact, `${key}|${norm}`, def.id);
      }
      if (def.kind === 'drug') {
        const set = drugSystems.get(def.id) ?? new Set<string>();
        set.add(key);
        drugSystems.set(def.id, set);
      }
    }
    if (def.kind === 'drug') {
      for (const term of def.text ?? []) textTerms.push({ concept: def.id, term: normaliseText(term) });
    }
  }
  const drugNames = textIndex(textTerms);

  const withClasses = (ids: Iterable<string>): string[] => {
    const out: string[] = [];
    for (const id of ids) {
      if (!out.includes(id)) out.push(id);
      for (const cls of concepts.get(id)?.classes ?? []) if (!out.includes(cls)) out.push(cls);
    }
    return out;
  };

  const codingMatches = (system: string, code: string): string[] => {
    if (code.length > MAX_CODE_LENGTH) return [];
    const key = systemKey(system);
    const norm = normaliseCode(key, code);
    if (!norm) return [];
    const found = [...(exact.get(`${key}|${norm}`) ?? [])];
    const bySystem = prefixes.get(key);
    if (bySystem) {
      for (let len = 1; len <= norm.length; len++) {
        for (const id of bySystem.get(norm.slice(0, len)) ?? []) if (!found.includes(id)) found.push(id);
      }
    }
    return found;
  };

  // A patient's record repeats the same few codes hundreds of times (400 Observations, ~20 codes):
  // matching is memoised per CodeableConcept, and the memoised list is returned as is (frozen, so no
  // caller can change it for the next). Client data decides the keys, so the memo is bounded.
  // Nearly every concept in a record is one coding without text: those are looked up by their
  // strings in nested maps, since building a joined key string for each showed in the profiles.
  const NONE: readonly string[] = Object.freeze([]);
  const MEMO_LIMIT = 5000;
  let memoEntries = 0;
  const single = new Map<string, Map<string, Map<string, readonly string[]>>>();
  const joined = new Map<string, readonly string[]>();
  const MAX_KEY_LENGTH = 512;

  /** The memoised match of a one-coding concept without text; undefined for any other form. */
  const matchSingleCoding = (cc: Record<string, unknown>): readonly string[] | undefined => {
    if (cc.text !== undefined || !Array.isArray(cc.coding) || cc.coding.length !== 1) return undefined;
    const only: unknown = cc.coding[0];
    if (!isRecord(only)) return undefined;
    const { system, code } = only;
    const display = only.display === undefined ? '' : only.display;
    if (typeof system !== 'string' || typeof code !== 'string' || typeof display !== 'string') return undefined;
    if (system.length + code.length + display.length > MAX_KEY_LENGTH) return undefined;
    const known = single.get(system)?.get(code)?.get(display);
    if (known) return known;
    const found = remember(matchCodeableConceptUncached(cc));
    let byCode = single.get(system);
    if (!byCode) single.set(system, (byCode = new Map<string, Map<string, readonly string[]>>()));
    let byDisplay = byCode.get(code);
    if (!byDisplay) byCode.set(code, (byDisplay = new Map<string, readonly string[]>()));
    byDisplay.set(display, found);
    return found;
  };

  const joinedKey = (cc: Record<string, unknown>): string | undefined => {
    const codings = Array.isArray(cc.coding) ? cc.coding : [];
    const text = typeof cc.text === 'string' ? cc.text : '';
    // Free text can be long: such concepts are matched afresh rather than kept.
    let length = text.length;
    if (length > MAX_KEY_LENGTH || codings.length > MAX_CODINGS) return undefined;
    const parts: string[] = [text];
    for (const coding of codings) {
      if (!isRecord(coding)) return undefined;
      const { system, code, display } = coding;
      if ((system !== undefined && typeof system !== 'string') || (code !== undefined && typeof code !== 'string') || (display !== undefined && typeof display !== 'string')) {
        return undefined;
      }
      length += (system?.length ?? 0) + (code?.length ?? 0) + (display?.length ?? 0) + 3;
      if (length > MAX_KEY_LENGTH) return undefined;
      parts.push(`${system ?? ''}\u0001${code ?? ''}\u0001${display ?? ''}`);
    }
    return parts.join('\u0002');
  };

  const remember = (found: string[]): readonly string[] => {
    if (memoEntries >= MEMO_LIMIT) {
      single.clear();
      joined.clear();
      memoEntries = 0;
    }
    memoEntries++;
    return Object.freeze(found);
  };

  const matchCodeableConcept = (cc: unknown): readonly string[] => {
    if (!isRecord(cc)) return NONE;
    const one = matchSingleCoding(cc);
    if (one) return one;
    const key = joinedKey(cc);
    const known = key === undefined ? undefined : joined.get(key);
    if (known) return known;
    const found = matchCodeableConceptUncached(cc);
    if (key === undefined) return Object.freeze(found);
    const kept = remember(found);
    joined.set(key, kept);
    return kept;
  };

  const matchCodeableConceptUncached = (cc: Record<string, unknown>): string[] => {
    const found: string[] = [];
    const texts: string[] = [];
    const codedSystems = new Set<string>();
    if (typeof cc.text === 'string') texts.push(cc.text);
    const codings = Array.isArray(cc.coding) ? cc.coding : [];
    for (let i = 0; i < codings.length && i < MAX_CODINGS; i++) {
      const coding: unknown = codings[i];
      if (!isRecord(coding)) continue;
      if (typeof coding.display === 'string') texts.push(coding.display);
      if (typeof coding.system !== 'string' || typeof coding.code !== 'string') continue;
      codedSystems.add(systemKey(coding.system));
      for (const id of codingMatches(coding.system, coding.code)) if (!found.includes(id)) found.push(id);
    }
    for (const text of texts) {
      const bounded = text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text;
      for (const id of textMatches(normaliseText(bounded), drugNames)) {
        const ownSystems = drugSystems.get(id);
        const codedForThisDrug = ownSystems !== undefined && [...ownSystems].some((s) => codedSystems.has(s));
        if (!codedForThisDrug && !found.includes(id)) found.push(id);
      }
    }
    return withClasses(found);
  };

  return {
    concept: (id) => concepts.get(id),
    display: (id, locale) => concepts.get(id)?.display[locale] ?? id,
    matchCodeableConcept,
    matchCoding: (system, code) => (typeof system === 'string' && typeof code === 'string' ? withClasses(codingMatches(system, code)) : []),
    codesFor: (conceptId) =>
      (concepts.get(conceptId)?.codes ?? []).map((c) => ({ system: data.systems[c.system]?.[0] ?? c.system, code: c.code })),
    conceptsOfKind: (kind) => [...(byKind.get(kind) ?? [])],
  };
}
