/** A mailto: link the system hands to Outbound opens a composer prefilled with it, from the default account. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { value } from '../helpers/core.ts';
import { chipTexts, startE2eApp, type E2eApp } from './app-page.ts';

let app: E2eApp;
beforeAll(async () => {
  app = await startE2eApp();
  await value(
    app.api.accounts.save({
      name: 'Work',
      email: 'me@outbound.test',
      host: app.smtp.host,
      port: app.smtp.port,
      security: 'none',
    }),
  );
  await app.page.reload(); // the page learns about the account
});
afterAll(() => app.close());

describe('mailto: links', () => {
  it('open a prefilled composer', async () => {
    const { page } = app;
    await page.getByRole('navigation').getByRole('button', { name: 'Sent', exact: true }).click();
    app.core.compose.openMailto('mailto:ann@example.org,bob@example.org?cc=carol@example.com&subject=Lunch%3F&body=Noon%20at%20the%20usual%20place');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Compose');
    await expect.poll(() => chipTexts(page, 'To')).toEqual(['ann@example.org', 'bob@example.org']);
    expect(await chipTexts(page, 'Cc')).toEqual(['carol@example.com']);
    expect(await page.getByLabel('Subject').inputValue()).toBe('Lunch?');
    await expect.poll(() => page.getByLabel('Message', { exact: true }).textContent()).toContain('Noon at the usual place');
    expect(app.problems).toEqual([]);
  });
});
