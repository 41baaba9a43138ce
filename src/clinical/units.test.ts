import { loadTerminology } from './terminology/concepts.js';
import { UNIT_ALIASES, convertUnit, normaliseUnit, toCanonical } from './units.js';

const terminology = loadTerminology();

describe('toCanonical (rules.md B.1 conversions)', () => {
  it('creatinine mg/dL -> umol/L', () => {
    expect(toCanonical('lab:creatinine', 2.0, 'mg/dL', terminology)).toBeCloseTo(176.8, 1);
    expect(toCanonical('lab:creatinine', 177, 'umol/L', terminology)).toBe(177);
    expect(toCanonical('lab:creatinine', 177, 'µmol/L', terminology)).toBe(177);
  });

  it('β2-microglobulin nmol/L -> mg/L with its molar mass', () => {
    expect(toCanonical('lab:b2m', 297, 'nmol/L', terminology)).toBeCloseTo(3.5, 1);
    expect(toCanonical('lab:b2m', 466, 'nmol/L', terminology)).toBeCloseTo(5.5, 1);
    expect(toCanonical('lab:b2m', 3.5, 'ug/mL', terminology)).toBe(3.5);
  });

  it('albumin, IgG and M-protein mass concentrations', () => {
    expect(toCanonical('lab:albumin', 3.5, 'g/dL', terminology)).toBe(35);
    expect(toCanonical('lab:igg', 400, 'mg/dL', terminology)).toBe(4);
    expect(toCanonical('lab:mprotein', 3.0, 'g/dL', terminology)).toBe(30);
    expect(toCanonical('lab:flc-kappa', 10, 'mg/dL', terminology)).toBe(100);
  });

  it('haemoglobin g/L and mmol/L -> g/dL', () => {
    expect(toCanonical('lab:hb', 100, 'g/L', terminology)).toBe(10);
    expect(toCanonical('lab:hb', 6.2, 'mmol/L', terminology)).toBeCloseTo(9.99, 2);
    expect(toCanonical('lab:hb', 10, 'g/dL', terminology)).toBe(10);
  });

  it('calcium mg/dL -> mmol/L', () => {
    expect(toCanonical('lab:calcium', 11.0, 'mg/dL', terminology)).toBeCloseTo(2.745, 3);
  });

  it('cell counts: 200 /uL is exactly 0.2 10*9/L (no floating-point residue at the CD4 threshold)', () => {
    expect(toCanonical('lab:cd4', 200, '/uL', terminology)).toBe(0.2);
    expect(toCanonical('lab:cd4', 200, '/µL', terminology)).toBe(0.2);
    expect(toCanonical('lab:neutrophils', 0.5, '10*3/uL', terminology)).toBe(0.5);
    expect(toCanonical('lab:neutrophils', 0.5, 'x10E9/L', terminology)).toBe(0.5);
    expect(toCanonical('lab:neutrophils', 0.5, '10^9/L', terminology)).toBe(0.5);
  });

  it('urine M-protein per 24 h and enzyme activity', () => {
    expect(toCanonical('lab:mprotein-urine-24h', 0.2, 'g/(24.h)', terminology)).toBe(200);
    expect(toCanonical('lab:mprotein-urine-24h', 0.5, 'g/24h', terminology)).toBe(500);
    expect(toCanonical('lab:ld', 5, 'ukat/L', terminology)).toBe(300);
  });

  it('eGFR accepts the common non-UCUM spelling', () => {
    expect(toCanonical('lab:egfr', 45, 'mL/min/1.73m2', terminology)).toBe(45);
    expect(toCanonical('lab:egfr', 45, 'mL/min/{1.73_m2}', terminology)).toBe(45);
  });

  it('percent and ratio only in the same unit', () => {
    expect(toCanonical('lab:bmpc', 12, '%', terminology)).toBe(12);
    expect(toCanonical('lab:bmpc', 0.12, '{ratio}', terminology)).toBeUndefined();
    expect(toCanonical('lab:bmpc', 0.12, '1', terminology)).toBeUndefined();
    expect(toCanonical('lab:flc-ratio', 120, '{ratio}', terminology)).toBe(120);
    expect(toCanonical('lab:flc-ratio', 120, '%', terminology)).toBeUndefined();
  });

  it('is undefined for an unknown, incompatible or missing unit', () => {
    expect(toCanonical('lab:creatinine', 2, 'mg/dz', terminology)).toBeUndefined();
    expect(toCanonical('lab:egfr', 45, 'mg/L', terminology)).toBeUndefined();
    expect(toCanonical('lab:creatinine', 2, undefined, terminology)).toBeUndefined();
    expect(toCanonical('lab:creatinine', 2, '', terminology)).toBeUndefined();
    // A molar unit for a concept without a molar mass is not convertible.
    expect(toCanonical('lab:igg', 30, 'umol/L', terminology)).toBeUndefined();
    // ucum-lhc would "assume" 73.m2 here; a guess is not a conversion.
    expect(convertUnit(45, 'mL/min/173m2', 'mL/min/{1.73_m2}')).toBeUndefined();
    expect(convertUnit(1, 'constructor', 'g/L')).toBeUndefined();
    expect(convertUnit(1, 'g/'.repeat(100), 'g/L')).toBeUndefined();
  });

  it('is undefined for a concept without a canonical unit or a non-finite value', () => {
    expect(toCanonical('drug:bortezomib', 1, 'mg', terminology)).toBeUndefined();
    expect(toCanonical('no:such', 1, 'mg', terminology)).toBeUndefined();
    expect(toCanonical('lab:hb', Number.NaN, 'g/dL', terminology)).toBeUndefined();
  });
});

describe('unit aliases', () => {
  it('maps every alias to valid UCUM', () => {
    for (const [alias, ucum] of Object.entries(UNIT_ALIASES)) {
      expect({ alias, ucum: normaliseUnit(alias) }).toEqual({ alias, ucum });
    }
  });

  it('every canonical unit in the terminology is usable', () => {
    for (const kind of ['lab', 'observation'] as const) {
      for (const id of terminology.conceptsOfKind(kind)) {
        const unit = terminology.concept(id)?.canonicalUnit;
        if (unit) expect({ id, unit: normaliseUnit(unit) }).toEqual({ id, unit });
      }
    }
  });

  it('converts the molar pair codes of B.1 with their factors', () => {
    expect(toCanonical('lab:ntprobnp', 100, 'pmol/L', terminology)).toBeCloseTo(845.7, 1);
    expect(toCanonical('lab:pth', 1, 'pmol/L', terminology)).toBeCloseTo(9.43, 2);
    expect(toCanonical('lab:urine-acr', 3, 'mg/mmol', terminology)).toBeCloseTo(26.5, 1);
    expect(toCanonical('lab:calcium-ionized', 5.8, 'mg/dL', terminology)).toBeCloseTo(1.447, 3);
  });
});

/* eslint-disable no-console -- the test watches console.log, it does not log */
describe('no client data in the logs', () => {
  it('a unit string the UCUM library cannot parse is never printed (ucum-lhc would console.log it)', () => {
    const printed: unknown[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => {
      printed.push(args);
    };
    try {
      expect(normaliseUnit('secret unit 123')).toBeUndefined();
      expect(convertUnit(1, 'mg per dL x', 'mg/L')).toBeUndefined();
    } finally {
      console.log = log;
    }
    expect(printed).toEqual([]);
  });
});
/* eslint-enable no-console */
