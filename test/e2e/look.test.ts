/**
 * How every screen looks and reads, with something on it (an account, a sent message, a failed one, a
 * draft, the test inbox): at the usual width and at 720 px, light and dark — axe-core finds no
 * serious or critical violation, nothing is wider than the window, no button is cut off, and the
 * keyboard's focus can be seen. Screenshots of each, for a person to look at (test-results/screenshots/look-*).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { value } from '../helpers/core.ts';
import { browserForFile, nav, shot, startE2eApp, type E2eApp } from './app-page.ts';

/**
 * axe-core's source, run with page.evaluate: addScriptTag would add an inline script, which the
 * app's CSP (rightly) refuses; evaluate runs it as the devtools do, outside the page's policy.
 */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCREENS = ['Compose', 'Drafts', 'Outbox', 'Sent', 'Test inbox', 'Accounts', 'Settings'] as const;
const WIDTHS = [1100, 720] as const;

/** The page's globals these tests use in `evaluate` (the tests compile without the DOM library). */
interface PageElement {
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number };
  contains(other: unknown): boolean;
  textContent: string | null;
}

interface PageGlobals {
  document: {
    documentElement: { scrollWidth: number; clientWidth: number; clientHeight: number };
    activeElement: unknown;
    querySelectorAll(selector: string): Iterable<PageElement>;
    elementFromPoint(x: number, y: number): unknown;
  };
  getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string; boxShadow: string };
  axe: { run(context: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> };
}

const browser = browserForFile();
let app: E2eApp;
let page: Page;

beforeAll(async () => {
  app = await startE2eApp(
    { rcpt: (address) => (address.startsWith('nobody@') ? { code: 550, message: '5.1.1 No such user here' } : undefined) },
    {},
    {
      browser: browser(),
      prepare: async ({ api, smtp }) => {
        const work = await value(
          api.accounts.save({ name: 'Work', email: 'ann@outbound.test', displayName: 'Ann', host: '127.0.0.1', port: smtp.port, security: 'starttls' }),
        );
        await value(api.testInbox.create({}));
        const message = { accountId: work.id, delaySeconds: 0, text: 'The figures are attached.' };
        await value(api.outbox.send({ ...message, to: ['bob@example.org'], subject: 'Quarterly figures' }));
        await value(api.outbox.send({ ...message, to: ['nobody@example.org'], subject: 'To nobody' }));
        await value(api.drafts.save({ accountId: work.id, to: ['carol@example.org'], subject: 'Half-written' }));
        await value(api.outbox.flush());
      },
    },
  );
  ({ page } = app);
});
afterAll(() => app?.close());

async function open(screen: (typeof SCREENS)[number]): Promise<void> {
  await nav(page, screen).click();
  await page.getByRole('heading', { level: 1, name: screen }).waitFor();
}

async function seriousViolations(): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as PageGlobals;
    return (await axe.run(document)).violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) at ${v.targets.join(', ')}`);
}

/** Buttons in the window whose left or right edge something else covers or clips: a button must be seen whole. */
function clippedButtons(): Promise<string[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const height = document.documentElement.clientHeight;
    const clipped: string[] = [];
    for (const button of document.querySelectorAll('button')) {
      const { left, right, top, bottom } = button.getBoundingClientRect();
      if (right - left === 0 || top < 0 || bottom > height) continue; // hidden, or scrolled out of the window
      const middle = (top + bottom) / 2;
      const seen = (x: number) => button.contains(document.elementFromPoint(x, middle));
      if (!seen(left + 2) || !seen(right - 2)) clipped.push(button.textContent ?? '');
    }
    return clipped;
  });
}

describe('every screen, at 1100 and 720 px, light and dark', () => {
  for (const width of WIDTHS) {
    it(`${width} px: no serious axe violation, nothing wider than the window, no button cut off`, async () => {
      await page.setViewportSize({ width, height: 820 });
      const found: string[] = [];
      for (const screen of SCREENS) {
        await open(screen);
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme });
          for (const v of await seriousViolations()) found.push(`${screen}, ${colorScheme}: ${v}`);
        }
        await page.emulateMedia({ colorScheme: 'light' });
        const { scrollWidth, clientWidth } = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement);
        if (scrollWidth > clientWidth) found.push(`${screen}: ${scrollWidth} px wide in a ${clientWidth} px window`);
        for (const button of await clippedButtons()) found.push(`${screen}: the button "${button}" is cut off`);
        await shot(page, `look-${screen.toLowerCase().replace(/ /g, '-')}-${width}`);
      }
      expect(found).toEqual([]);
    });
  }
});

describe('the keyboard', () => {
  it("shows where the focus is on every screen's first control", async () => {
    await page.setViewportSize({ width: 1100, height: 820 });
    const unseen: string[] = [];
    for (const screen of SCREENS) {
      await open(screen);
      // From the screen's heading, Tab goes to its first control, as a keyboard user arrives.
      await page.getByRole('heading', { level: 1, name: screen }).click();
      await page.keyboard.press('Tab');
      const style = await page.evaluate(() => {
        const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
        const { outlineStyle, outlineWidth, boxShadow } = getComputedStyle(document.activeElement);
        return { outlineStyle, outlineWidth, boxShadow };
      });
      const visible = (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none';
      if (!visible) unseen.push(`${screen}: ${JSON.stringify(style)}`);
    }
    expect(unseen).toEqual([]);
  });
});
