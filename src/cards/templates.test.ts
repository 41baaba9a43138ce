import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../paths.js';
import { citedSections, loadCardTemplates, placeholdersIn, ruleTitle } from './templates.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'heme-cards-'));
}

const normalise = (s: string): string => s.replace(/\s+/g, ' ').trim();

describe('loadCardTemplates', () => {
  it('loads the shipped card files', () => {
    const templates = loadCardTemplates();
    expect(templates.all().map((t) => t.ruleId)).toEqual(expect.arrayContaining(['service.data-unavailable', 'stage-iss', 'vzv-prophylaxis']));
    expect(ruleTitle(templates, 'stage-iss', 'nb')).toBe('ISS-stadium');
    expect(ruleTitle(templates, 'vzv-prophylaxis', 'en')).toBe('Herpes zoster prophylaxis (valaciclovir)');
    expect(ruleTitle(templates, 'no-such-rule', 'en')).toBe('no-such-rule');
    expect(templates.documents['003']?.short.nb).toBe('Handlingsprogram myelomatose');
  });

  it('cites sections that exist as one line of the seed, and quotes the seed verbatim', () => {
    const templates = loadCardTemplates();
    const index = JSON.parse(readFileSync(fromRoot('sources', 'index.json'), 'utf8')) as Record<string, { file: string }>;
    for (const t of templates.all()) {
      if (!t.citation) continue;
      const file = index[t.citation.document]?.file;
      expect(file).toBeDefined();
      const text = readFileSync(fromRoot('sources', file as string), 'utf8');
      const lines = text.split(/\r?\n/).map(normalise);
      expect(lines.some((l) => l.includes(normalise(t.citation?.section ?? '')))).toBe(true);
      const flat = normalise(text);
      for (const fragment of t.citation.quote.split('…').map(normalise).filter((f) => f.length > 0)) {
        expect({ rule: t.ruleId, fragment, found: flat.includes(fragment) }).toEqual({ rule: t.ruleId, fragment, found: true });
      }
    }
  });

  it('lists cited sections per document for the /sources anchors', () => {
    const sections = citedSections(loadCardTemplates());
    expect(sections.get('003')).toEqual(
      expect.arrayContaining(['Internasjonalt prognostisk stadium (ISS)', 'Øvrig infeksjonsprofylakse']),
    );
  });

  it('extracts placeholders', () => {
    expect(placeholdersIn('ISS {stage} ({b2m} mg/L) {missing}')).toEqual(['stage', 'b2m', 'missing']);
  });

  it('refuses a directory with a broken file and lists every problem', () => {
    const dir = tempDir();
    try {
      copyFileSync(fromRoot('cards', 'staging', 'stage-iss.json'), join(dir, 'stage-iss.json'));
      const broken = {
        ruleId: 'other-id',
        title: { nb: 'Tittel' },
        citation: { document: '999', section: 'X', quote: 'Y' },
        outcomes: {
          fired: {
            indicator: 'hard-stop',
            variants: { default: { summary: { nb: 'Hei {name', en: 'Hello {name}' } } },
          },
        },
      };
      writeFileSync(join(dir, 'broken-rule.json'), JSON.stringify(broken));
      writeFileSync(join(dir, 'not-json.json'), '{ "ruleId": ');
      let message = '';
      try {
        loadCardTemplates(dir);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain('broken-rule.json: /title must have required property \'en\'');
      expect(message).toContain('broken-rule.json: /outcomes/fired/indicator must be equal to one of the allowed values');
      expect(message).toContain('not-json.json:');
      expect(message).not.toContain('stage-iss.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports semantic problems: file name, placeholders, locales, raw HTML, unknown document, empty resource values', () => {
    const dir = tempDir();
    try {
      const bad = {
        ruleId: 'another-id',
        title: { nb: 'Tittel', en: 'Title' },
        citation: { document: '999', section: 'X', quote: 'Y' },
        outcomes: {
          fired: {
            indicator: 'warning',
            variants: {
              default: {
                summary: { nb: 'Verdi {value} {bad name}', en: 'Value {other}' },
                detail: { nb: 'Se <b>dette</b>', en: 'See this' },
              },
            },
          },
        },
        suggestions: {
          s1: {
            label: { nb: 'L', en: 'L' },
            action: { type: 'create', description: { nb: 'D', en: 'D' }, resource: { resourceType: 'ServiceRequest', note: [], code: null } },
          },
          s2: { label: { nb: 'L', en: 'L' }, action: { type: 'create', description: { nb: 'D', en: 'D' } } },
        },
      };
      writeFileSync(join(dir, 'bad-rule.json'), JSON.stringify(bad));
      expect(() => loadCardTemplates(dir)).toThrow(Error);
      let message = '';
      try {
        loadCardTemplates(dir);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain('ruleId "another-id" must equal the file name "bad-rule"');
      expect(message).toContain('citation.document "999" is not in sources/index.json');
      expect(message).toContain('outcomes.fired.variants.default.summary.nb: malformed placeholder');
      expect(message).toContain('nb and en use different placeholders');
      expect(message).toContain('outcomes.fired.variants.default.detail.nb: raw HTML is not allowed');
      expect(message).toContain('suggestions.s1.action.resource.note: empty array');
      expect(message).toContain('suggestions.s1.action.resource.code: null');
      expect(message).toContain('suggestions.s2.action: a create action needs a resource');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an empty directory', () => {
    const dir = tempDir();
    try {
      expect(() => loadCardTemplates(dir)).toThrow(/no card templates found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
