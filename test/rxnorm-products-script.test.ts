import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../src/paths.js';

// scripts/rxnorm-products.mjs regenerates terminology/rxnorm-products.json from an RxNorm release
// (RXNCONSO.RRF) and public lists. Here it runs on a few RRF lines and one ValueSet.

/** One RXNCONSO.RRF row: RXCUI|LAT|TS|LUI|STT|SUI|ISPREF|RXAUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF| */
const rrf = (cui: string, sab: string, tty: string, str: string, suppress = 'N') =>
  [cui, 'ENG', '', '', '', '', '', `A${cui}`, '', '', '', sab, tty, cui, str, '', suppress, '4096', ''].join('|');

test('maps RxNorm products to the drugs their names start with, and records the sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heme-rxnorm-'));
  writeFileSync(
    join(dir, 'RXNCONSO.RRF'),
    [
      rrf('403879', 'RXNORM', 'SCD', 'imatinib 400 MG Oral Tablet'),
      rrf('404589', 'RXNORM', 'SBD', 'imatinib 400 MG Oral Tablet [Gleevec]'),
      rrf('282388', 'RXNORM', 'IN', 'imatinib'),
      rrf('1045402', 'RXNORM', 'SCD', 'dasatinib 140 MG Oral Tablet', 'O'),
      rrf('999001', 'MTHSPL', 'SCD', 'imatinib 100 MG Oral Tablet'),
      rrf('198013', 'RXNORM', 'SCD', 'naproxen 250 MG Oral Tablet'),
      rrf('2000001', 'RXNORM', 'SCD', 'pegfilgrastim-jmdb 10 MG/ML Prefilled Syringe'),
    ].join('\n'),
  );
  const vsDir = mkdtempSync(join(tmpdir(), 'heme-vs-'));
  writeFileSync(
    join(vsDir, 'vs.json'),
    JSON.stringify({
      resourceType: 'ValueSet',
      compose: { include: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', concept: [{ code: '402244', display: 'bortezomib 3.5 MG Injection [Velcade]' }, { code: '403879', display: 'imatinib 400 MG Oral Tablet' }] }] },
    }),
  );
  const out = join(dir, 'out.json');
  execFileSync(process.execPath, [fromRoot('scripts', 'rxnorm-products.mjs'), '--rxnconso', join(dir, 'RXNCONSO.RRF'), '--rxnorm-url', 'https://example.org/RxNorm_full_12012026.zip', '--valuesets', vsDir, '--valuesets-url', 'https://example.org/vs', '--out', out, '--date', '2026-12-07']);
  const table = JSON.parse(readFileSync(out, 'utf8')) as { generated: string; sources: { id: string; url: string }[]; products: Record<string, { concepts: string[]; sources: string[] }> };
  expect(table.generated).toBe('2026-12-07');
  expect(table.sources.map((s) => s.url)).toEqual(['https://example.org/RxNorm_full_12012026.zip', 'https://example.org/vs']);
  expect(table.products).toEqual({
    '402244': { name: 'bortezomib 3.5 MG Injection [Velcade]', concepts: ['drug:bortezomib'], sources: ['valuesets'] },
    '403879': { name: 'imatinib 400 MG Oral Tablet', concepts: ['drug:imatinib'], sources: ['rxnorm', 'valuesets'] },
    '404589': { name: 'imatinib 400 MG Oral Tablet [Gleevec]', concepts: ['drug:imatinib'], sources: ['rxnorm'] },
    // A biosimilar suffix still names the ingredient; pegfilgrastim is not filgrastim.
    '2000001': { name: 'pegfilgrastim-jmdb 10 MG/ML Prefilled Syringe', concepts: ['drug:pegfilgrastim'], sources: ['rxnorm'] },
  });
});
