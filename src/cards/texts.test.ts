import { allRules } from '../clinical/rules/index.js';
import { loadTerminology } from '../clinical/terminology/concepts.js';
import { loadCardTemplates, type CardTemplate, type LocalizedText } from './templates.js';

// Issue 12 §3: card text as a careful reader checks it, over every card file.
const templates = loadCardTemplates();

/** Every text a clinician reads on a card (not the seed quote, not the FHIR resources). */
function texts(t: CardTemplate): { where: string; text: LocalizedText }[] {
  const out: { where: string; text: LocalizedText }[] = [{ where: 'title', text: t.title }];
  if (t.proposal) out.push({ where: 'proposal', text: t.proposal });
  for (const [name, o] of Object.entries(t.outcomes)) {
    for (const [key, v] of Object.entries(o.variants)) {
      out.push({ where: `${name}.${key}.summary`, text: v.summary });
      if (v.detail) out.push({ where: `${name}.${key}.detail`, text: v.detail });
    }
  }
  for (const [k, v] of Object.entries(t.criteria ?? {})) out.push({ where: `criteria.${k}`, text: v });
  for (const [k, v] of Object.entries(t.labels ?? {})) out.push({ where: `labels.${k}`, text: v });
  for (const [k, s] of Object.entries(t.suggestions ?? {})) {
    out.push({ where: `suggestions.${k}.label`, text: s.label }, { where: `suggestions.${k}.description`, text: s.action.description });
  }
  (t.overrideReasons ?? []).forEach((r, i) => out.push({ where: `overrideReasons[${i}]`, text: r.display }));
  return out;
}

const all = templates.all().flatMap((t) => texts(t).map((x) => ({ rule: t.ruleId, ...x })));

describe('card texts (every card file)', () => {
  it('name no internal rule id', () => {
    const ids = allRules.map((r) => r.id);
    for (const x of all) {
      for (const locale of ['nb', 'en'] as const) {
        const named = ids.filter((id) => new RegExp(`(^|[^a-z0-9-])${id.replace(/[.]/g, '\\.')}($|[^a-z0-9-])`).test(x.text[locale]));
        expect({ at: `${x.rule} ${x.where}.${locale}`, named }).toEqual({ at: `${x.rule} ${x.where}.${locale}`, named: [] });
      }
    }
  });

  it('write units as people write them, not UCUM codes', () => {
    const ucum = /umol\/L|\{1\.73_m2\}|10\*\d|\(24\.h\)|\[IU\]|mL\/min\/1\.73m2/;
    for (const x of all) for (const locale of ['nb', 'en'] as const) expect({ at: `${x.rule} ${x.where}.${locale}`, ucum: ucum.test(x.text[locale]) }).toEqual({ at: `${x.rule} ${x.where}.${locale}`, ucum: false });
  });

  it('have no quote artefacts in Norwegian (balanced «», no straight or curly double quotes, no double spaces)', () => {
    for (const x of all) {
      const nb = x.text.nb;
      const problems = [
        (nb.match(/«/g) ?? []).length !== (nb.match(/»/g) ?? []).length ? 'unbalanced «»' : '',
        /["“”„]/.test(nb) ? 'double quote' : '',
        /«\s|\s»/.test(nb) ? 'space inside «»' : '',
        / {2}/.test(nb) ? 'double space' : '',
      ].filter(Boolean);
      expect({ at: `${x.rule} ${x.where}`, problems }).toEqual({ at: `${x.rule} ${x.where}`, problems: [] });
    }
  });

  it('use the Norwegian terms a haematologist writes', () => {
    const nb = all.map((x) => x.text.nb).join('\n');
    expect(nb).not.toMatch(/margfiltrasjon/);
    expect(nb).toMatch(/marginfiltrasjon/);
    const terminology = loadTerminology();
    expect(terminology.display('lab:flc-kappa', 'nb')).toBe('Fri kappa-lettkjede');
    expect(terminology.display('lab:flc-lambda', 'nb')).toBe('Fri lambda-lettkjede');
  });

  it('point only to what exists: the PCL card names the seed treatment, not a rule "PCL first line"', () => {
    const pcl = all.filter((x) => x.rule === 'classify-plasma-cell-leukaemia').map((x) => `${x.text.nb}\n${x.text.en}`).join('\n');
    expect(pcl).not.toMatch(/PCL first line|førstelinje for PCL/);
    expect(pcl).toMatch(/tandem/);
  });
});
