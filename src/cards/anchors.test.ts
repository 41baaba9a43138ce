import { readFileSync } from 'node:fs';
import { fromRoot } from '../paths.js';
import { renderSourcePage } from '../protocol/sources.js';
import { citationAnchor, normaliseSeed, sectionSlug } from './anchors.js';
import { citedAnchors, loadCardTemplates } from './templates.js';

// Issue 12 §3: a card's source.url opens the passage it quotes, not the first mention of the heading.
const templates = loadCardTemplates();
const anchors = citedAnchors(templates);
const index = JSON.parse(readFileSync(fromRoot('sources', 'index.json'), 'utf8')) as Record<string, { file: string; title: { nb: string; en: string } }>;

/** The text from an anchor to the next anchored heading of the served page, as a reader sees it. */
function openedSection(doc: string, id: string): string {
  const meta = index[doc] as { file: string; title: { nb: string; en: string } };
  const text = readFileSync(fromRoot('sources', meta.file), 'utf8');
  const page = renderSourcePage({ ...meta, short: meta.title }, text, anchors.get(doc) ?? []);
  const body = page.slice(page.indexOf('<pre>'), page.indexOf('</pre>')).split('\n');
  const start = body.findIndex((l) => l.includes(`<a id="${id}">`));
  if (start < 0) return '';
  const next = body.findIndex((l, i) => i > start && l.includes('<a id="'));
  return body
    .slice(start, next < 0 ? undefined : next)
    .join('\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('citation anchors', () => {
  const cited = templates.all().filter((t) => t.citation);

  // The quote starts in the section the anchor opens (before the next cited heading). Later
  // fragments of a quote may come from other paragraphs (templates.test.ts checks they are verbatim).
  it.each(cited.map((t) => [t.ruleId, t]))('%s: the section its source.url opens holds the quoted words', (_id, t) => {
    const c = t.citation as NonNullable<typeof t.citation>;
    expect(c.anchor).toBeDefined();
    const section = normaliseSeed(openedSection(c.document, c.anchor as string));
    const [first = ''] = c.quote.split('…').map(normaliseSeed).filter((f) => f.length > 0);
    expect({ rule: t.ruleId, anchor: c.anchor, first, inSection: section.includes(first) }).toEqual({ rule: t.ruleId, anchor: c.anchor, first, inSection: true });
  });

  it('goes to the heading line, not to an earlier mention of its words, and to the printing that holds the quote', () => {
    const text = ['Intro: Stamcellehøsting kommer senere.', 'Tabell A', 'x', 'Stamcellehøsting', 'Bør gjøres etter 3. syklus.', 'Tabell A', 'Deksametason 20 mg'].join('\n');
    expect(citationAnchor(text, 'Stamcellehøsting', 'Bør gjøres etter 3. syklus.')).toEqual({ id: 'stamcellehosting', line: 3 });
    expect(citationAnchor(text, 'Tabell A', 'Deksametason 20 mg')).toEqual({ id: `${sectionSlug('Tabell A')}-2`, line: 5 });
    expect(citationAnchor(text, 'Tabell A', 'x')).toEqual({ id: 'tabell-a', line: 1 });
    expect(citationAnchor(text, 'Finnes ikke', 'x')).toBeUndefined();
  });

  it('the five anchors of issue 12 open their own passage', () => {
    const byRule = (id: string) => templates.get(id)?.citation;
    expect(byRule('stemcell-harvest-timing')?.line).toBe(492);
    expect(byRule('dose-dexamethasone-age')?.anchor).toBe('daratumumab-bortezomib-lenalidomid-deksametason-dara-vrd-2');
    expect(byRule('premed-cd38')?.anchor).toBe('daratumumab-bortezomib-lenalidomid-deksametason-dara-vrd');
  });
});
