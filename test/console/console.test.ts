// The reviewer console in Debian's Chromium, used as a reviewer and an admin would: sign in with a
// token, resolve a conflict, see a new one arrive without a reload, connect a generic webhook
// project from the catalog and read its URL, pause it and run a dry run, and meet a stale edit.
// Every page must stay on the server (no outside request) and log no error; each step leaves a
// screenshot in test-output/screenshots for people to look at.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { chromiumInstalled, chromiumPath, launchChromium, screenshot, watchedPage, type WatchedPage } from '../support/browser.ts';
import { eventually } from '../support/eventually.ts';
import { useLockstep } from '../support/lockstep.ts';

const suite = useLockstep();
let browser: Browser;
let watched: WatchedPage;
let target: GenericWebhookSimulator;

const CREATE = 'mutation($title: String!) { createTicket(input: { title: $title }) { ticket { id version } } }';
const UPDATE = 'mutation($id: ID!, $title: String!, $v: String) { updateTicket(input: { id: $id, title: $title, expectedVersion: $v }) { ticket { version } conflicts { id } } }';

/** Two hub writers on one title: the second, stale, becomes an open MANUAL conflict. */
async function conflictOn(title: string): Promise<{ ticketId: string; conflictId: string }> {
  const created = await suite.lockstep.admin.run<{ createTicket: { ticket: { id: string; version: string } } }>(CREATE, { title });
  const { id, version } = created.createTicket.ticket;
  await suite.lockstep.admin.run(UPDATE, { id, title: `${title}: first writer` });
  const stale = await suite.lockstep.admin.run<{ updateTicket: { conflicts: Array<{ id: string }> } }>(UPDATE, { id, title: `${title}: second writer`, v: version });
  const conflictId = stale.updateTicket.conflicts[0]?.id;
  if (!conflictId) throw new Error('the stale write made no conflict');
  return { ticketId: id, conflictId };
}

async function ticketTitle(id: string): Promise<string> {
  const data = await suite.lockstep.admin.run<{ ticket: { title: string } }>('query($id: ID!) { ticket(id: $id) { title } }', { id });
  return data.ticket.title;
}

beforeAll(async () => {
  if (!chromiumInstalled) return;
  browser = await launchChromium();
  watched = await watchedPage(browser);
  target = createGenericWebhookSimulator({ secret: 'console-target-secret' });
  await target.start();
});

afterAll(async () => {
  await watched?.context.close();
  await browser?.close();
  await target?.stop();
});

describe.skipIf(!chromiumInstalled)(`the console in Chromium (${chromiumPath})`, () => {
  it('refuses a wrong token', async () => {
    // Its own page: Chromium logs the refused request (401) as a console error.
    const refused = await watchedPage(browser);
    try {
      await refused.page.goto(`${suite.lockstep.url}/console`);
      await refused.page.getByLabel('API token').fill('not-a-token');
      await refused.page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => refused.page.getByRole('alert').textContent()).toContain('refused');
      await screenshot(refused.page, 'sign-in-refused');
      expect(await refused.page.getByRole('link', { name: 'Conflicts', exact: true }).count()).toBe(0);
    } finally {
      await refused.context.close();
    }
  });

  it('signs in with a good token', async () => {
    const { page } = watched;
    await page.goto(`${suite.lockstep.url}/console`);
    await page.getByLabel('API token').fill(suite.env.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    for (const name of ['Conflicts', 'Projects', 'Catalog', 'Tickets']) {
      await page.getByRole('link', { name, exact: true }).waitFor();
    }
    expect(await page.getByText('(admin)').count()).toBe(1);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
  });

  it('resolves a conflict by choosing a candidate, and shows a new one without a reload', async () => {
    const { page } = watched;
    const first = await conflictOn('Checkout fails');
    await page.reload();
    const card = page.getByRole('listitem', { name: /Conflict on title of Checkout fails/ });
    await card.waitFor();
    await screenshot(page, 'conflicts');
    await card.getByRole('button', { name: /Keep “Checkout fails: first writer”/ }).click();
    await card.waitFor({ state: 'detached' });
    expect(await ticketTitle(first.ticketId)).toBe('Checkout fails: first writer');

    await new Promise((resolve) => setTimeout(resolve, 500)); // the subscription is open
    await conflictOn('Search is slow');
    await page.getByRole('listitem', { name: /Conflict on title of Search is slow/ }).waitFor({ timeout: 4000 });
    await screenshot(page, 'conflicts-live');
  });

  it('connects a generic webhook project from the catalog and shows its webhook URL', async () => {
    const { page } = watched;
    await page.getByRole('link', { name: 'Catalog', exact: true }).click();
    for (const product of ['Jira', 'GitHub', 'AWS CloudWatch', 'Generic webhook']) {
      await page.getByRole('link', { name: product, exact: true }).waitFor();
    }
    await screenshot(page, 'catalog');
    await page.getByRole('link', { name: 'Generic webhook', exact: true }).click();
    await page.getByLabel('Project name (required)').fill('Console target');
    await page.getByLabel('targetUrl (required)').fill(target.url);
    await page.getByLabel('secret (required)').fill('console-target-secret');
    await page.getByRole('button', { name: 'Connect' }).click();
    const urlField = page.getByLabel('Webhook URL of Console target').first();
    await urlField.waitFor();
    await screenshot(page, 'catalog-connected');
    const shown = await urlField.inputValue();
    const data = await suite.lockstep.admin.run<{ externalProjects: { edges: Array<{ node: { name: string; webhookUrl: string } }> } }>(
      '{ externalProjects(first: 50) { edges { node { name webhookUrl } } } }',
    );
    expect(data.externalProjects.edges.find((edge) => edge.node.name === 'Console target')?.node.webhookUrl).toBe(shown);
  });

  it('shows a bad connect form answer without connecting anything', async () => {
    const { page } = watched;
    await page.getByLabel('Project name (required)').fill('Bad target');
    await page.getByLabel('targetUrl (required)').fill('not a url');
    await page.getByLabel('secret (required)').fill('x');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Not connected');
    const data = await suite.lockstep.admin.run<{ externalProjects: { edges: Array<{ node: { name: string } }> } }>('{ externalProjects(first: 50) { edges { node { name } } } }');
    expect(data.externalProjects.edges.map((edge) => edge.node.name)).not.toContain('Bad target');
  });

  it('pauses a project and shows a dry run’s plan', async () => {
    const { page } = watched;
    await page.getByRole('link', { name: 'Projects', exact: true }).click();
    const card = page.getByRole('listitem', { name: 'Console target' });
    await card.getByRole('img', { name: /Changes per minute in the last 60 minutes: 0 in, 0 out/ }).waitFor();
    await card.getByRole('button', { name: 'Pause' }).click();
    await card.getByRole('button', { name: 'Resume' }).waitFor();
    await expect.poll(() => card.locator('.status').textContent()).toBe('Paused');
    await card.getByRole('button', { name: 'Resume' }).click();
    await card.getByRole('button', { name: 'Pause' }).waitFor();
    await card.getByRole('button', { name: 'Dry run' }).click();
    await card.getByRole('table').getByText('Plan: nothing below was applied').waitFor({ timeout: 15_000 });
    await screenshot(page, 'projects-dry-run');
  });

  it('edits a project’s sync rules and shows the backfill’s dry run', async () => {
    const { page } = watched;
    const existing = await suite.lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(
      'mutation { createTicket(input: { title: "Refunds fail", labels: ["payments"] }) { ticket { id } } }',
    );
    await page.reload();
    const card = page.getByRole('listitem', { name: 'Console target' });
    const rules = card.getByRole('region', { name: 'Sync rules of Console target' });
    await rules.getByText('No rules').waitFor();
    await rules.getByRole('button', { name: 'Edit rules' }).click();
    await rules.getByRole('button', { name: 'Add a rule' }).click();
    // What Lockstep refuses (a label over 100 characters) is shown with its reason, nothing saved.
    await rules.getByLabel('Labels (any of, comma-separated)').fill('x'.repeat(101));
    await rules.getByRole('button', { name: 'Save rules' }).click();
    await expect.poll(() => rules.getByRole('alert').textContent()).toContain('labels must be 1-100 characters');
    await rules.getByLabel('Labels (any of, comma-separated)').fill('payments, checkout');
    await rules.getByRole('button', { name: 'Save rules' }).click();
    await rules.getByText('Links tickets, labelled checkout or payments').waitFor();
    const saved = await suite.lockstep.admin.run<{ externalProjects: { edges: Array<{ node: { name: string; linkRules: Array<{ labels: string[] }> } }> } }>(
      '{ externalProjects(first: 50) { edges { node { name linkRules { labels } } } } }',
    );
    expect(saved.externalProjects.edges.find((edge) => edge.node.name === 'Console target')?.node.linkRules).toEqual([{ labels: ['checkout', 'payments'] }]);

    await card.getByLabel('Session kind').selectOption('BACKFILL');
    await card.getByRole('button', { name: 'Dry run' }).click();
    const plan = card.getByRole('table').filter({ hasText: 'Plan: nothing below was applied' });
    await plan.getByRole('link', { name: existing.createTicket.ticket.id.slice(0, 8) }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'projects-rules-backfill');
    const mappings = await suite.lockstep.admin.run<{ ticket: { mappings: unknown[] } }>('query($id: ID!) { ticket(id: $id) { mappings { externalId } } }', {
      id: existing.createTicket.ticket.id,
    });
    expect(mappings.ticket.mappings).toEqual([]);
  });

  it('turns a stale edit of a ticket into a conflict instead of overwriting', async () => {
    const { page } = watched;
    const created = await suite.lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(CREATE, { title: 'Rotate certificates' });
    const id = created.createTicket.ticket.id;
    await page.goto(`${suite.lockstep.url}/console#/tickets/${id}`);
    await page.getByLabel('Title').waitFor();
    await suite.lockstep.admin.run(UPDATE, { id, title: 'Rotate certificates today' });
    await page.getByLabel('Title').fill('Rotate certificates this week');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('changed since you opened it');
    await screenshot(page, 'ticket-stale-edit');
    expect(await ticketTitle(id)).toBe('Rotate certificates today');
    await eventually(
      async () => (await suite.lockstep.admin.run<{ ticket: { openConflicts: Array<{ field: string }> } }>('query($id: ID!) { ticket(id: $id) { openConflicts { field } } }', { id })).ticket.openConflicts,
      (conflicts) => conflicts.some((conflict) => conflict.field === 'title'),
    );
  });

  it('shows a viewer what it may read and none of the actions its role lacks', async () => {
    await conflictOn('Viewer sees this');
    const token = await suite.lockstep.admin.run<{ createApiToken: { token: string } }>(
      'mutation { createApiToken(input: { name: "console viewer", role: VIEWER }) { token } }',
    );
    const viewer = await watchedPage(browser);
    try {
      const { page } = viewer;
      await page.goto(`${suite.lockstep.url}/console`);
      await page.getByLabel('API token').fill(token.createApiToken.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const card = page.getByRole('listitem', { name: /Conflict on title of Viewer sees this/ });
      await card.waitFor();
      expect(await card.getByRole('button').count()).toBe(0);
      await page.getByRole('link', { name: 'Projects', exact: true }).click();
      await page.getByRole('listitem', { name: 'Console target' }).waitFor();
      expect(await page.getByRole('button', { name: /Pause|Resume|Start sync|Dry run/ }).count()).toBe(0);
      await page.goto(`${suite.lockstep.url}/console#/catalog/generic_webhook`);
      await page.getByText('Only admins connect projects.').waitFor();
      expect(await page.getByRole('button', { name: 'Connect' }).count()).toBe(0);
      await screenshot(page, 'viewer-catalog');
      expect(viewer.errors).toEqual([]);
    } finally {
      await viewer.context.close();
    }
  });

  it('unlinks a ticket from a project on the ticket page', async () => {
    const { page } = watched;
    const created = await suite.lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>('mutation { createTicket(input: { title: "Linked, then not" }) { ticket { id } } }');
    const id = created.createTicket.ticket.id;
    const projects = await suite.lockstep.admin.run<{ externalProjects: { edges: Array<{ node: { id: string; name: string } }> } }>('{ externalProjects(first: 50) { edges { node { id name } } } }');
    const projectId = projects.externalProjects.edges.find((edge) => edge.node.name === 'Console target')?.node.id;
    await suite.lockstep.admin.run('mutation($t: ID!, $p: ID!) { linkTicket(input: { ticketId: $t, projectId: $p }) { pushJob { id } } }', { t: id, p: projectId });
    const mappings = async () =>
      (await suite.lockstep.admin.run<{ ticket: { mappings: unknown[] } }>('query($id: ID!) { ticket(id: $id) { mappings { externalId } } }', { id })).ticket.mappings.length;
    await eventually(mappings, (n) => n === 1);
    await page.goto(`${suite.lockstep.url}/console#/tickets/${id}`);
    await page.getByRole('button', { name: 'Unlink from Console target' }).click();
    await page.getByRole('status').filter({ hasText: 'Unlinked from Console target' }).waitFor();
    expect(await mappings()).toBe(0);
    await screenshot(page, 'ticket-unlinked');
  });

  it('fits a phone-width screen', async () => {
    const phone = await watchedPage(browser, { width: 390, height: 844 });
    try {
      await phone.page.goto(`${suite.lockstep.url}/console`);
      await phone.page.getByLabel('API token').fill(suite.env.adminToken);
      await phone.page.getByRole('button', { name: 'Sign in' }).click();
      await phone.page.getByRole('link', { name: 'Catalog', exact: true }).click();
      await phone.page.getByRole('link', { name: 'Jira', exact: true }).waitFor();
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(phone.page, 'catalog-phone');
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });

  it('stayed on the server and logged no error', () => {
    const origin = new URL(suite.lockstep.url);
    const outside = watched.requests.filter((url) => new URL(url).host !== origin.host);
    expect(outside).toEqual([]);
    expect(watched.requests.some((url) => url.startsWith('ws://'))).toBe(true);
    expect(watched.errors).toEqual([]);
  });
});
