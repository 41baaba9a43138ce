import { readFileSync } from 'node:fs';
import type { Request, Response } from 'express';
import { fromRoot } from '../paths.js';

// Every card cites its seed section with `source.url` = {PUBLIC_BASE_URL}/sources/{doc}#{section-slug}.
// The seeds ship with the service (sources/), so a citation always resolves to the exact text the
// rule was written from, whatever happens to the publisher's web site.

interface SourceDoc {
  file: string;
  title: { nb: string; en: string };
  short: { nb: string; en: string };
}

export type SlugFn = (section: string) => string;

/** Where an anchor goes: its id and the seed line (see src/cards/anchors.ts). */
export interface PageAnchor {
  id: string;
  line: number;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Renders one seed as HTML with an anchor at the heading line of every cited section. */
export function renderSourcePage(doc: SourceDoc, text: string, placed: PageAnchor[]): string {
  const lines = text.split(/\r?\n/);
  const anchors = new Map<number, string[]>();
  for (const a of placed) anchors.set(a.line, [...(anchors.get(a.line) ?? []), a.id]);
  const body = lines
    .map((line, i) => {
      const ids = anchors.get(i);
      const html = escapeHtml(line);
      return ids ? ids.map((id) => `<a id="${escapeHtml(id)}"></a>`).join('') + `<strong>${html}</strong>` : html;
    })
    .join('\n');
  return (
    '<!doctype html><html lang="nb"><head><meta charset="utf-8">' +
    `<title>${escapeHtml(doc.title.nb)}</title>` +
    '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{white-space:pre-wrap}</style>' +
    `</head><body><h1>${escapeHtml(doc.title.nb)}</h1><p>${escapeHtml(doc.title.en)}</p><pre>${body}</pre></body></html>`
  );
}

export function loadSourceIndex(): Record<string, SourceDoc> {
  return JSON.parse(readFileSync(fromRoot('sources', 'index.json'), 'utf8')) as Record<string, SourceDoc>;
}

export function createSourcesHandler(anchorsByDoc: Map<string, PageAnchor[]>) {
  const index = loadSourceIndex();
  const pages = new Map<string, string>();
  for (const [id, doc] of Object.entries(index)) {
    const text = readFileSync(fromRoot('sources', doc.file), 'utf8');
    pages.set(id, renderSourcePage(doc, text, anchorsByDoc.get(id) ?? []));
  }
  // The index is where cards that cite no seed (service messages such as service.data-unavailable)
  // point their source.url: every card links somewhere a clinician can read what it rests on.
  const indexPage =
    '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>heme-cds: kilder / sources</title></head><body>' +
    '<h1>heme-cds: kilder / sources</h1><ul>' +
    Object.entries(index)
      .map(([id, doc]) => `<li><a href="sources/${encodeURIComponent(id)}">${escapeHtml(doc.title.nb)}</a> (${escapeHtml(doc.title.en)})</li>`)
      .join('') +
    '</ul><h2 id="service">Tjenestemeldinger / service messages</h2>' +
    '<p>Kort med emnekode <code>service.*</code> kommer fra tjenesten selv, ikke fra en kilde: de sier hvilke data som ' +
    'ikke kunne hentes og hvilke kontroller som derfor ikke ble gjort.</p>' +
    '<p>Cards with a topic code <code>service.*</code> come from the service itself, not from a source document: they say ' +
    'which data could not be obtained and which checks were therefore not run.</p></body></html>';
  return function sources(req: Request, res: Response): void {
    if (req.params.doc === undefined) {
      res.type('html').set('Cache-Control', 'public, max-age=3600').send(indexPage);
      return;
    }
    const page = pages.get(String(req.params.doc));
    if (!page) {
      res.status(404).json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'unknown source document' }] });
      return;
    }
    res.type('html').set('Cache-Control', 'public, max-age=3600').send(page);
  };
}
