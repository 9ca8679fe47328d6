// GraphiQL as a person opens it, in Debian's Chromium on a machine without internet: GET /graphql
// renders the editor, a query typed there is answered, and no request goes to any other host.
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, chromiumPath, launchChromium } from '#test/support/browser.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep();
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
});

/** Replaces the whole text of the visible Monaco editor whose model ends in `file` as if pasted. */
async function replaceEditorText(page: import('playwright-core').Page, file: string, text: string): Promise<void> {
  await page.locator(`.monaco-editor[data-uri$="${file}"]:visible`).first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

describe('GraphiQL', () => {
  it('renders and answers a query in Chromium with every request staying on the server', async (context) => {
    if (!chromiumInstalled) {
      context.skip(`${chromiumPath} is absent: install Debian's Chromium (apt-get install -y chromium) to run the GraphiQL browser test`);
    }
    const { lockstep, env } = suite;
    const title = 'Printer on floor 3 is jammed';
    await lockstep.admin.run(`mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`, {
      input: { title },
    });

    browser = await launchChromium();
    const page = await (await browser.newContext()).newPage();
    const origin = new URL(lockstep.url).origin;
    const requested: string[] = [];
    page.context().on('request', (request) => requested.push(request.url()));
    // Nothing may leave the machine: anything aimed elsewhere is recorded above and refused here.
    await page.context().route('**/*', (route) => {
      const url = new URL(route.request().url());
      return url.origin === origin ? route.continue() : route.abort('blockedbyclient');
    });

    await page.goto(`${lockstep.url}/graphql`);
    await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor({ timeout: 30_000 });
    expect(await page.title()).toBe('Lockstep');

    await page.getByRole('button', { name: 'Headers' }).click();
    await replaceEditorText(page, '-headers.json', JSON.stringify({ Authorization: `Bearer ${env.adminToken}` }));
    await replaceEditorText(page, '-operation.graphql', '{ tickets(first: 5) { edges { node { title } } } }');
    await page.locator('.graphiql-execute-button').click();
    const response = page.locator('.graphiql-response');
    // Monaco draws spaces as non-breaking ones.
    const shown = async () => (await response.innerText()).replaceAll('\u00a0', ' ');
    await expect.poll(shown, { timeout: 20_000 }).toContain(`"title": "${title}"`);

    const elsewhere = requested.filter((url) => {
      const parsed = new URL(url);
      if (parsed.protocol === 'data:') return false;
      // blob: URLs carry the page's origin (GraphiQL's editor workers are built from inlined code).
      return parsed.origin !== origin;
    });
    expect(elsewhere).toEqual([]);
    expect(requested.some((url) => url.startsWith(`${origin}/graphql`))).toBe(true);
  });
});
