// GitHub's `updated_at` and ServiceNow's `sys_updated_on` show whole seconds, so the simulators
// also keep when each item last changed to the millisecond (the tracker bench times edits by it).
// The stamp moves with every change, a person's or an API write, and never reaches the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSimulator, type GithubSimulator } from '#simulators/github/simulator.ts';
import { createServiceNowSimulator, type ServiceNowSimulator } from '#simulators/servicenow/simulator.ts';

let github: GithubSimulator;
let sn: ServiceNowSimulator;
const snAuth = `Basic ${Buffer.from('lockstep.integration:integration-password').toString('base64')}`;

beforeAll(async () => {
  github = createGithubSimulator();
  sn = createServiceNowSimulator();
  await Promise.all([github.start(), sn.start()]);
});
afterAll(async () => {
  await Promise.all([github.stop(), sn.stop()]);
});

/** Runs `work` and gives the epoch-ms window around it. */
async function within(work: () => unknown): Promise<{ from: number; to: number }> {
  const from = Date.now();
  await work();
  return { from, to: Date.now() };
}

describe('millisecond change stamps', () => {
  it('GitHub: creating, a person editing and a PATCH each stamp the issue, and the API does not show it', async () => {
    let number = 0;
    const created = await within(() => (number = github.seed(1)[0]?.number ?? 0));
    expect(github.issue(number)?.updatedMs).toBeGreaterThanOrEqual(created.from);
    expect(github.issue(number)?.updatedMs).toBeLessThanOrEqual(created.to);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const edited = await within(() => github.personEdit(number, { title: 'Edited by a person' }));
    expect(github.issue(number)?.updatedMs).toBeGreaterThanOrEqual(edited.from);
    expect(github.issue(number)?.updatedMs).toBeLessThanOrEqual(edited.to);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const url = `${github.baseUrl}/repos/${github.owner}/${github.repo}/issues/${number}`;
    const headers = { authorization: 'token ghp_simulated', 'content-type': 'application/json' };
    let body: Record<string, unknown> = {};
    const patched = await within(async () => {
      const response = await fetch(url, { method: 'PATCH', headers, body: JSON.stringify({ title: 'Edited through the API' }) });
      body = (await response.json()) as Record<string, unknown>;
    });
    expect(github.issue(number)?.updatedMs).toBeGreaterThanOrEqual(patched.from);
    expect(github.issue(number)?.updatedMs).toBeLessThanOrEqual(patched.to);
    expect(body['updated_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(JSON.stringify(body)).not.toContain('updatedMs');

    const before = github.issue(number)?.updatedMs;
    github.personEdit(number, { title: 'Edited through the API' });
    expect(github.issue(number)?.updatedMs).toBe(before);
  });

  it('ServiceNow: inserting, a person editing and a PATCH each stamp the record, and the Table API does not show it', async () => {
    let sysId = '';
    const inserted = await within(() => (sysId = sn.seed(1)[0]?.['sys_id'] ?? ''));
    expect(sn.store.changedMs.get(sysId)).toBeGreaterThanOrEqual(inserted.from);
    expect(sn.store.changedMs.get(sysId)).toBeLessThanOrEqual(inserted.to);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const edited = await within(() => sn.personEdit(sysId, { short_description: 'Edited by a person' }));
    expect(sn.store.changedMs.get(sysId)).toBeGreaterThanOrEqual(edited.from);
    expect(sn.store.changedMs.get(sysId)).toBeLessThanOrEqual(edited.to);

    await new Promise((resolve) => setTimeout(resolve, 5));
    let body = '';
    const patched = await within(async () => {
      const response = await fetch(`${sn.instanceUrl}/api/now/table/incident/${sysId}`, {
        method: 'PATCH',
        headers: { authorization: snAuth, 'content-type': 'application/json' },
        body: JSON.stringify({ short_description: 'Edited through the API' }),
      });
      body = await response.text();
    });
    expect(sn.store.changedMs.get(sysId)).toBeGreaterThanOrEqual(patched.from);
    expect(sn.store.changedMs.get(sysId)).toBeLessThanOrEqual(patched.to);
    expect(body).toContain('Edited through the API');
    expect(body).not.toContain(String(sn.store.changedMs.get(sysId)));

    const before = sn.store.changedMs.get(sysId);
    sn.personEdit(sysId, { short_description: 'Edited through the API' });
    expect(sn.store.changedMs.get(sysId)).toBe(before);
  });
});
