import { existsSync, readFileSync } from 'node:fs';
import { allRules } from '../src/clinical/rules/index.js';
import { fromRoot } from '../src/paths.js';

// The hazard log (docs/clinical-safety.md) covers every registered rule, and every control it names
// is a test that exists: a rule added later must add its hazards, a renamed test must be renamed there.
const log = readFileSync(fromRoot('docs', 'clinical-safety.md'), 'utf8');

describe('docs/clinical-safety.md (hazard log)', () => {
  it('has a section with the four hazards for every registered rule', () => {
    for (const rule of allRules) {
      const at = log.indexOf(`\n### ${rule.id}\n`);
      expect({ rule: rule.id, section: at >= 0 }).toEqual({ rule: rule.id, section: true });
      const next = log.indexOf('\n### ', at + 1);
      const section = log.slice(at, next < 0 ? undefined : next);
      for (const n of [1, 2, 3, 4]) expect({ rule: rule.id, hazard: n, logged: section.includes(`| ${rule.id.toUpperCase()}-${n} |`) }).toEqual({ rule: rule.id, hazard: n, logged: true });
    }
  });

  it('names only tests that exist (file and test name)', () => {
    let checked = 0;
    // `path/to/file.test.ts` › “name”, “name” …
    for (const m of log.matchAll(/`([^`]+\.test\.ts)` › ((?:“[^”]*”(?:, )?)+)/g)) {
      const file = m[1] as string;
      expect({ file, exists: existsSync(fromRoot(file)) }).toEqual({ file, exists: true });
      const source = readFileSync(fromRoot(file), 'utf8');
      for (const n of (m[2] as string).matchAll(/“([^”]*)”/g)) {
        const name = (n[1] as string).replace(/\\\|/g, '|');
        checked++;
        expect({ file, name, found: source.includes(name) }).toEqual({ file, name, found: true });
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('logs every item of issue 12 §2 and §3 as a hazard with its test', () => {
    for (const id of ['SUG-1', 'SUG-2', 'SUG-3', 'SUG-4', 'SUG-5', 'CIT-1', 'TXT-1', 'TXT-2', 'TXT-3', 'TXT-4', 'TXT-5', 'SIG-1']) {
      const row = log.split('\n').find((l) => l.startsWith(`| ${id} |`)) ?? '';
      expect({ id, controlled: / › “/.test(row) }).toEqual({ id, controlled: true });
    }
  });
});
