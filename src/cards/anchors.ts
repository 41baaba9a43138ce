// Where a citation opens in a seed page: at the heading of the section that holds the quoted
// words. A heading can be printed several times (the Dara-VRd table appears before and after HMAS)
// and its words can be mentioned in running text before the heading itself, so the anchor goes to
// the last printing of the heading as a line of its own before the first quoted words.

/** Anchor of a seed section: lowercase ASCII, æ→ae ø→o å→a, other accents dropped, runs of anything else → '-'. */
export function sectionSlug(section: string): string {
  return section
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'a')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function normaliseSeed(s: string): string {
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

export interface CitationAnchor {
  /** `id` of the anchor in the served page (the slug, `-2`, `-3` … for later printings). */
  id: string;
  /** 0-based line of the seed the anchor sits on. */
  line: number;
}

/** Lines that are the heading itself (else, if none, lines that contain it). */
function headingLines(lines: string[], section: string): number[] {
  const wanted = normaliseSeed(section);
  const exact = lines.flatMap((l, i) => (normaliseSeed(l) === wanted ? [i] : []));
  return exact.length > 0 ? exact : lines.flatMap((l, i) => (normaliseSeed(l).includes(wanted) ? [i] : []));
}

/** The line on which the first quoted fragment starts, or undefined when it is not in the seed. */
export function quoteLine(lines: string[], quote: string): number | undefined {
  const fragment = normaliseSeed(quote.split('…')[0] ?? '');
  if (!fragment) return undefined;
  const normalised = lines.map(normaliseSeed);
  const flat = normalised.join(' ');
  const at = flat.indexOf(fragment);
  if (at < 0) return undefined;
  let offset = 0;
  for (let i = 0; i < normalised.length; i++) {
    offset += (normalised[i] as string).length + 1;
    if (offset > at) return i;
  }
  return undefined;
}

export function citationAnchor(text: string, section: string, quote: string): CitationAnchor | undefined {
  const lines = text.split(/\r?\n/);
  const headings = headingLines(lines, section);
  if (headings.length === 0) return undefined;
  const q = quoteLine(lines, quote);
  let k = 0;
  if (q !== undefined) headings.forEach((h, i) => (h <= q ? (k = i) : undefined));
  const slug = sectionSlug(section);
  return { id: k === 0 ? slug : `${slug}-${k + 1}`, line: headings[k] as number };
}
