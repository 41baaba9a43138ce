import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { startDemoFhirServer, type DemoFhirServer } from '../../src/demo-fhir/server.js';
import { allRules } from '../../src/clinical/rules/index.js';
import { fromRoot } from '../../src/paths.js';

// The page in a real browser: Debian's Chromium driven by playwright-core against the service and
// the demo FHIR server on ephemeral ports, the clock real (as a person would see it). Any console
// error or uncaught exception in the page fails the suite. Screenshots go to artifacts/screenshots/.

// Functions passed to evaluate() run in the browser; tsconfig has no DOM lib, so these few names are declared here.
declare const getComputedStyle: (element: unknown) => { borderLeftColor: string };
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
interface ElementLike {
  getAttribute(name: string): string | null;
}

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = fromRoot('artifacts', 'screenshots');
/** The serum M-protein colour of web/plot.js (#1f6feb). */
const SERUM_RGB = [0x1f, 0x6f, 0xeb];

let fhir: DemoFhirServer;
let server: Server;
let runtime: Runtime;
let browser: BrowserContext;
let page: Page;
let base: string;
let profileDir: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium; .ci/run does)`);
  mkdirSync(SHOTS, { recursive: true });
  fhir = await startDemoFhirServer({ host: '127.0.0.1', port: 0 });
  // Listen first, so PUBLIC_BASE_URL (which the cards' source links use) has the real port.
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', PUBLIC_BASE_URL: base, DEMO_FHIR: 'off', LOG_LEVEL: 'silent' });
  runtime = await createRuntime(config, { logger: createLogger('silent'), memoryStorage: true, demoFhirBaseUrl: fhir.baseUrl });
  server.on('request', runtime.app);

  profileDir = mkdtempSync(join(tmpdir(), 'heme-page-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await runtime?.close();
  await fhir?.close();
});

async function openPage(hash = ''): Promise<void> {
  await page.goto(`${base}/${hash}`);
  await page.waitForSelector('body[data-ready="true"]');
}

test('the pregnant demo patient with imatinib at order-sign gets the critical card, rendered as an EHR shows it', async () => {
  await openPage();
  await page.selectOption('#demo-patient', 'pat-cml-pregnant');
  await page.selectOption('#scenario', '');
  await page.selectOption('#hook', 'order-sign');
  await page.selectOption('#order', 'drugs|drug:imatinib');
  await page.click('#show-cards');
  const card = page.locator('article.card[data-topic="cml-tki-pregnancy"]');
  await card.waitFor();

  expect(await card.getAttribute('data-indicator')).toBe('critical');
  expect(await card.evaluate((n) => getComputedStyle(n).borderLeftColor)).toBe('rgb(198, 40, 40)');
  expect(await card.locator('.summary').innerText()).toMatch(/imatinib/i);
  // The markdown detail is rendered (paragraphs, lists), not shown as raw text.
  expect(await card.locator('.detail p').count()).toBeGreaterThan(0);
  expect(await card.locator('.detail').innerText()).not.toContain('**');
  // Suggestions say what they would create; override reasons are offered.
  const actions = await card.locator('.suggestion .action').allInnerTexts();
  expect(actions.some((a) => /create ServiceRequest/.test(a))).toBe(true);
  expect(await card.locator('.overrides li').count()).toBeGreaterThanOrEqual(1);
  await page.screenshot({ path: join(SHOTS, 'preview-cml-pregnant-imatinib.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1500 } });

  // The source link opens the seed passage it cites.
  const href = (await card.locator('a.source-link').getAttribute('href')) ?? '';
  expect(href.startsWith(`${base}/sources/000#`)).toBe(true);
  const anchor = decodeURIComponent(href.split('#')[1] ?? '');
  const seed = await browser.newPage();
  await seed.goto(href);
  expect(await seed.locator(`[id="${anchor}"]`).count()).toBe(1);
  await seed.close();
}, 60_000);

test('a demo patient with response cards gets the M-protein / FLC plot with categories and treatment lines', async () => {
  await openPage();
  await page.selectOption('#demo-patient', 'pat-rsp-vgpr');
  await page.selectOption('#scenario', '0');
  await page.click('#show-cards');
  // The response category may be shown inside the merged overview card (data-rules lists its rules).
  await page.locator('article.card[data-rules~="response-category"]').waitFor();
  await page.locator('#plot-section:not([hidden]) canvas').first().waitFor();

  expect(Number(await page.getAttribute('#plot', 'data-points'))).toBeGreaterThanOrEqual(6);
  // The serum M-protein line and points are really drawn on the canvas.
  const serumPixels = await page.locator('#plot canvas').first().evaluate((node, rgb: number[]) => {
    const canvas = node as unknown as CanvasLike;
    const ctx = canvas.getContext('2d');
    if (!ctx) return 0;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2]) n++;
    return n;
  }, SERUM_RGB);
  expect(serumPixels).toBeGreaterThan(100);
  const table = await page.locator('#plot-table').innerText();
  expect(table).toContain('VGPR');
  expect(table).toMatch(/\d{4}-\d{2}-\d{2}\s+Lenalidomid/);
  await page.locator('#plot-section').screenshot({ path: join(SHOTS, 'plot-rsp-vgpr.png') });
}, 60_000);

test('the rule catalogue lists every rule the service runs, and "Try" runs its demo patient', async () => {
  await openPage('#catalogue');
  const ids = await page.locator('#catalogue-table tr[data-rule-id]').evaluateAll((rows) => (rows as unknown as ElementLike[]).map((r) => r.getAttribute('data-rule-id')));
  expect(ids).toEqual(allRules.map((r) => r.id));
  const row = page.locator('#catalogue-table tr[data-rule-id="cml-tki-pregnancy"]');
  expect(await row.innerText()).toContain('TKIer er teratogene');
  await page.screenshot({ path: join(SHOTS, 'catalogue.png') });

  await page.locator('#catalogue-table tr[data-rule-id="stage-iss"] a.try').click();
  await page.locator('article.card[data-topic^="stage-iss"]').waitFor();
}, 60_000);

test('card markdown is sanitised: no script, event handler or javascript: link survives', async () => {
  // On a page of its own: Chromium reports the inline handlers in the input as blocked by the
  // Content-Security-Policy while DOMPurify parses it (nothing runs; the second layer holding).
  const probe = await browser.newPage();
  const errors: string[] = [];
  probe.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  probe.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  await probe.goto(`${base}/`);
  await probe.waitForSelector('body[data-ready="true"]');
  const html = await probe.evaluate(async () => {
    const url = '/ui/cards.js';
    const cards = (await import(url)) as { markdown(text: string): { innerHTML: string } };
    return cards.markdown('**bold** <script>window.pwned = 1</script> <svg onload="window.pwned = 2"></svg> [x](javascript:window.pwned=3) <b onclick="x()">b</b>').innerHTML;
  });
  expect(html).toContain('<strong>bold</strong>');
  expect(html).not.toMatch(/<script|onload|onclick|javascript:/i);
  expect(await probe.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
  expect(errors.filter((e) => !/inline event handler violates the following Content Security Policy.*The action has been blocked/s.test(e))).toEqual([]);
  await probe.close();
});

test('the page logged no console error', () => {
  expect(consoleErrors).toEqual([]);
});
