// UCUM normalisation to the catalogue's canonical units (rules.md A.0.4, B.1). A value whose unit is
// missing, unknown or not convertible becomes undefined: rules then treat it as missing and never
// compare a raw number with a threshold in another unit.
import { createRequire } from 'node:module';
import type { Terminology } from './terminology/types.js';

interface UcumConversion {
  status: 'succeeded' | 'failed' | 'error';
  toVal: number | null;
  msg: string[];
}
interface UcumValidation {
  status: 'valid' | 'invalid' | 'error';
}
interface UcumUtils {
  validateUnitString(unit: string, suggest?: boolean, valConv?: string): UcumValidation;
  convertUnitTo(from: string, value: number, to: string, options?: { molecularWeight?: number }): UcumConversion;
}

// ucum-lhc is CommonJS without type declarations; the interface above is the part we use.
const require = createRequire(import.meta.url);
let ucum: UcumUtils | undefined;
/**
 * ucum-lhc prints the unit string of a failed parse with console.log, i.e. onto our JSON log stream.
 * A unit string is client data (part of a FHIR payload), which must never reach the logs, so every
 * call into the library runs with console.log silenced. The calls are synchronous, so nothing else
 * can log in between.
 */
/* eslint-disable no-console -- silencing a library's console output, not logging */
function quietly<T>(call: () => T): T {
  const log = console.log;
  console.log = () => undefined;
  try {
    return call();
  } finally {
    console.log = log;
  }
}
/* eslint-enable no-console */

function ucumUtils(): UcumUtils {
  if (!ucum) {
    const pkg = require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } };
    ucum = pkg.UcumLhcUtils.getInstance();
  }
  return ucum;
}

/**
 * Non-UCUM spellings that Norwegian and other labs send, mapped to their UCUM code. Only exact
 * strings listed here are rewritten (after the micro sign µ/μ is written `u`, as UCUM does); anything
 * else must already be valid UCUM. ucum-lhc's own guesses ("we assumed you meant ...") are refused.
 *
 * | sent                              | UCUM              |
 * |-----------------------------------|-------------------|
 * | mmol/l, umol/l, nmol/l, pmol/l    | mmol/L ...        |
 * | g/l, mg/l, ug/l, ng/l             | g/L ...           |
 * | g/dl, mg/dl, ug/dl                | g/dL ...          |
 * | ml/min/1.73m2, mL/min/1.73m2, ... | mL/min/{1.73_m2}  |
 * | /ul                               | /uL               |
 * | x10E9/L, 10E9/L, 10^9/L, x10^9/L, 10x9/L, G/L (giga, not gauss) | 10*9/L |
 * | x10E6/L, 10^6/L                   | 10*6/L            |
 * | x10E3/uL, 10^3/uL, K/uL (kilo, not kelvin) | 10*3/uL  |
 * | mg/24h, mg/24 h, mg/døgn, g/24h   | mg/(24.h), g/(24.h) |
 * | ratio                             | {ratio}           |
 * | IE/ml, IU/ml, IU/mL, IE/mL        | [IU]/mL           |
 * | U/l                               | U/L               |
 * | ukat/l                            | ukat/L            |
 */
export const UNIT_ALIASES: Readonly<Record<string, string>> = {
  'mmol/l': 'mmol/L',
  'umol/l': 'umol/L',
  'nmol/l': 'nmol/L',
  'pmol/l': 'pmol/L',
  'g/l': 'g/L',
  'mg/l': 'mg/L',
  'ug/l': 'ug/L',
  'ng/l': 'ng/L',
  'g/dl': 'g/dL',
  'mg/dl': 'mg/dL',
  'ug/dl': 'ug/dL',
  'mL/min/1.73m2': 'mL/min/{1.73_m2}',
  'ml/min/1.73m2': 'mL/min/{1.73_m2}',
  'mL/min/1.73 m2': 'mL/min/{1.73_m2}',
  'ml/min/1.73 m2': 'mL/min/{1.73_m2}',
  'mL/min/1,73m2': 'mL/min/{1.73_m2}',
  'ml/min/1,73m2': 'mL/min/{1.73_m2}',
  'mL/min/1.73m²': 'mL/min/{1.73_m2}',
  'ml/min/1.73m²': 'mL/min/{1.73_m2}',
  '/ul': '/uL',
  'x10E9/L': '10*9/L',
  '10E9/L': '10*9/L',
  '10^9/L': '10*9/L',
  'x10^9/L': '10*9/L',
  '10x9/L': '10*9/L',
  'x10*9/L': '10*9/L',
  '10^9/l': '10*9/L',
  'x10^9/l': '10*9/L',
  'G/L': '10*9/L',
  'x10E6/L': '10*6/L',
  '10E6/L': '10*6/L',
  '10^6/L': '10*6/L',
  'x10^6/L': '10*6/L',
  'x10E3/uL': '10*3/uL',
  '10E3/uL': '10*3/uL',
  '10^3/uL': '10*3/uL',
  'x10^3/uL': '10*3/uL',
  'K/uL': '10*3/uL',
  'mg/24h': 'mg/(24.h)',
  'mg/24 h': 'mg/(24.h)',
  'mg/døgn': 'mg/(24.h)',
  'g/24h': 'g/(24.h)',
  'g/24 h': 'g/(24.h)',
  'g/døgn': 'g/(24.h)',
  ratio: '{ratio}',
  'IE/ml': '[IU]/mL',
  'IE/mL': '[IU]/mL',
  'IU/ml': '[IU]/mL',
  'IU/mL': '[IU]/mL',
  // hCG: 1 mIU/mL is 1 IU/L, so the milli-per-millilitre spellings name the same number.
  'IU/L': '[IU]/L',
  'IU/l': '[IU]/L',
  'IE/L': '[IU]/L',
  'IE/l': '[IU]/L',
  'mIU/mL': '[IU]/L',
  'mIU/ml': '[IU]/L',
  'mIE/mL': '[IU]/L',
  'mIE/ml': '[IU]/L',
  'm[IU]/mL': '[IU]/L',
  'U/l': 'U/L',
  'ukat/l': 'ukat/L',
};

/**
 * Canonical units whose values are compared only when reported in exactly that unit: ucum-lhc would
 * otherwise happily turn 5 % into 0.05 {ratio}, and arbitrary units ([IU]) have no conversion at all.
 */
const SAME_UNIT_ONLY = new Set(['%', '{ratio}', '{score}', '{INR}', '[IU]/mL', '[IU]/L']);

/** The UCUM code for a reported unit, via the alias table; undefined when it is not valid UCUM. */
const normalised = new Map<string, string | undefined>();

export function normaliseUnit(unit: string | undefined | null): string | undefined {
  if (typeof unit !== 'string') return undefined;
  // A record uses a handful of unit strings hundreds of times.
  if (normalised.has(unit)) return normalised.get(unit);
  const result = normaliseUnitUncached(unit);
  remember(normalised, unit, result);
  return result;
}

function normaliseUnitUncached(unit: string): string | undefined {
  const trimmed = unit.trim().replace(/[µμ]/g, 'u');
  // No lab unit is this long; refusing early keeps odd client input away from the UCUM parser.
  if (!trimmed || trimmed.length > 64) return undefined;
  const aliased = Object.hasOwn(UNIT_ALIASES, trimmed) ? (UNIT_ALIASES[trimmed] as string) : trimmed;
  if (SAME_UNIT_ONLY.has(aliased)) return aliased;
  return isValidUcum(aliased) ? aliased : undefined;
}

/** Unit strings come from clients: the caches are bounded so odd input cannot grow them without end. */
const CACHE_LIMIT = 2000;
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}

const validity = new Map<string, boolean>();
function isValidUcum(code: string): boolean {
  let valid = validity.get(code);
  if (valid === undefined) {
    try {
      valid = quietly(() => ucumUtils().validateUnitString(code, false, 'validate')).status === 'valid';
    } catch {
      valid = false;
    }
    remember(validity, code, valid);
  }
  return valid;
}

type Converter = (value: number) => number;

/** One converter per (from, to, molecular weight): ucum-lhc parses unit strings on every call. */
const converters = new Map<string, Converter | null>();

function converterFor(from: string, to: string, molecularWeight: number | undefined): Converter | null {
  const key = `${from}\u0000${to}\u0000${molecularWeight ?? ''}`;
  const cached = converters.get(key);
  if (cached !== undefined) return cached;
  let converter: Converter | null = null;
  if (from === to) {
    converter = (v) => v;
  } else if (!SAME_UNIT_ONLY.has(to) && !SAME_UNIT_ONLY.has(from)) {
    const options = molecularWeight !== undefined ? { molecularWeight } : {};
    const at = (v: number): number | null => {
      try {
        const result = quietly(() => ucumUtils().convertUnitTo(from, v, to, options));
        return result.status === 'succeeded' && typeof result.toVal === 'number' && Number.isFinite(result.toVal) ? result.toVal : null;
      } catch {
        return null;
      }
    };
    // Every unit pair we convert is affine (temperatures) or linear; two points describe it exactly.
    const zero = at(0);
    const one = at(1);
    if (zero !== null && one !== null) {
      const slope = one - zero;
      converter = (v) => zero + slope * v;
    }
  }
  remember(converters, key, converter);
  return converter;
}

/** Twelve significant digits: 200 /uL must be 0.2 10*9/L, not 0.19999999999999998. */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/** Convert between two units (UCUM codes or aliases); undefined when either is unknown or they are incommensurable. */
export function convertUnit(value: number, fromUnit: string | undefined, toUnit: string, molecularWeight?: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const from = normaliseUnit(fromUnit);
  const to = normaliseUnit(toUnit);
  if (!from || !to) return undefined;
  // Most values already arrive in the canonical unit: nothing to convert, nothing to round.
  if (from === to) return value;
  const converter = converterFor(from, to, molecularWeight);
  return converter ? tidy(converter(value)) : undefined;
}

/**
 * A value of a concept in the concept's canonical unit (terminology `canonicalUnit`), using the
 * concept's molecular weight for molar <-> mass conversions. Undefined when the concept has no
 * canonical unit, or the unit is missing, unknown or not convertible.
 */
export function toCanonical(conceptId: string, value: number, ucumCode: string | undefined, terminology: Terminology): number | undefined {
  const concept = terminology.concept(conceptId);
  if (!concept?.canonicalUnit) return undefined;
  return convertUnit(value, ucumCode, concept.canonicalUnit, concept.molecularWeight);
}
