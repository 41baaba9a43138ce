// Renders a rule's findings with the real card files and the real terminology, and checks the
// result against the CDS Hooks 2.0 response schema plus the house rules. Rule tests use it so that
// every finding a rule can produce is known to make a valid card (placeholders filled, summary
// under 140 characters, suggestions with one valid action). Not a test file itself.

import { loadCardTemplates, type CardTemplates } from '../../../cards/templates.js';
import { createDisplayOf, renderCards } from '../../../cards/render.js';
import type { Card } from '../../../cards/types.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { Terminology } from '../../terminology/types.js';
import { validateHemeResponse } from '../../../protocol/schemas/index.js';
import type { Finding, Hook, Locale } from '../../types.js';

let cached: { templates: CardTemplates; terminology: Terminology } | undefined;

function resources(): { templates: CardTemplates; terminology: Terminology } {
  cached ??= { templates: loadCardTemplates(), terminology: loadTerminology() };
  return cached;
}

/** Cards for `findings` in `locale`; throws when the response would not be valid. */
export function renderValid(findings: Finding[], hook: Hook, locale: Locale = 'en'): Card[] {
  const { templates, terminology } = resources();
  const cards = renderCards(findings, {
    templates,
    locale,
    hook,
    patientId: 'pt-1',
    sourceBaseUrl: 'http://cds.test/sources',
    displayOf: createDisplayOf(templates, terminology),
  });
  const check = validateHemeResponse({ cards });
  if (!check.ok) throw new Error(`invalid cards: ${check.errors.join('; ')}`);
  return cards;
}

/** Both locales at once: the rule's cards must render in bokmål and English. */
export function renderBoth(findings: Finding[], hook: Hook): { nb: Card[]; en: Card[] } {
  return { nb: renderValid(findings, hook, 'nb'), en: renderValid(findings, hook, 'en') };
}
