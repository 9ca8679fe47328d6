// The GitHub session against the simulator over real HTTP: connection test, imports by `since`
// with page links, creates and updates read back, the lost-create adoption, comments, rate limits
// and GitHub App installation tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalCallError, type ConnectorSession } from '#domain/project/connector.ts';
import { createGithubConnector } from '#adapters/github/connector.ts';
import { createGithubSimulator, type GithubSimulator } from '#simulators/github/simulator.ts';

let sim: GithubSimulator;
const connector = createGithubConnector({ pageSize: 2, timeoutMs: 3_000 });
const open = (
  credentials: Record<string, unknown> = { token: 'ghp_simulated' },
  config: Record<string, unknown> = {},
): ConnectorSession =>
  connector.open({
    projectId: 'p1',
    config: connector.parseConfig({
      owner: 'acme',
      repo: 'web',
      baseUrl: sim.baseUrl,
      statusLabels: { in_progress: 'doing' },
      userMap: { ann: 'ann-gh' },
      ...config,
    }),
    credentials: connector.parseCredentials(credentials),
  });
const failureOf = async (work: Promise<unknown>): Promise<ExternalCallError> => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ExternalCallError)) throw new Error(`expected an ExternalCallError, got ${String(error)}`);
  return error;
};
const request = (ticketId: string, changed: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  deliveryId: `d-${ticketId}-${Math.random()}`,
  ticketId,
  changed: changed as never,
  ticket: { title: 'x', description: '', status: 'open', priority: 'p3', labels: [], assignee: null },
  ...extra,
});

beforeAll(async () => {
  sim = createGithubSimulator({ tokenLifetimeMs: 3_000 });
  await sim.start();
});
afterAll(async () => {
  await sim.stop();
});

describe('GitHub session', () => {
  it('tests the connection: the repository exists and the credentials can write issues; priority labels are created', async () => {
    await open().testConnection();
    for (const name of ['P1', 'P2', 'P3', 'P4', 'P5', 'doing'])
      expect(sim.store.labels.has(name.toLowerCase())).toBe(true);
    expect((await failureOf(open({ token: 'ghp_readonly' }).testConnection())).message).toMatch(
      /cannot write issues of acme\/web/,
    );
    expect((await failureOf(open({ token: 'nope' }).testConnection())).kind).toBe('unauthorized');
    expect((await failureOf(open(undefined, { repo: 'missing' }).testConnection())).kind).toBe('not_found');
  });

  it('creates an issue with labels, state and assignee, and reads it back faithfully', async () => {
    const session = open();
    const created = await session.createItem(
      request('t_create', {
        title: 'Checkout fails',
        description: 'Steps',
        status: 'resolved',
        priority: 'p2',
        labels: ['web'],
        assignee: 'ann',
      }),
    );
    const issue = sim.issue(Number(created.externalId));
    expect(issue).toMatchObject({
      title: 'Checkout fails',
      state: 'closed',
      stateReason: 'completed',
      assignees: ['ann-gh'],
      body: 'Steps\n\n<!-- lockstep:ticket=t_create -->',
    });
    expect(issue?.labels.sort()).toEqual(['P2', 'web']);
    const read = await session.fetchItem(created.externalId ?? '');
    expect(read?.fields).toEqual({
      title: 'Checkout fails',
      description: 'Steps',
      status: 'resolved',
      priority: 'p2',
      labels: ['web'],
      assignee: 'ann',
    });
    // The same state read again keeps the key it was first seen with.
    expect(read?.orderingKey).toBe(created.orderingKey);
  });

  it('updates only what changed, keeping the other labels, and reports what GitHub will show', async () => {
    const session = open();
    const { externalId } = await session.createItem(
      request('t_update', { title: 'Flaky test', priority: 'p3', labels: ['ci'] }),
    );
    const id = externalId ?? '';
    const result = await session.updateItem(
      id,
      request('t_update', { status: 'in_progress', priority: 'p1', description: 'Now with logs' }),
    );
    expect(sim.issue(Number(id))?.labels.sort()).toEqual(['P1', 'ci', 'doing']);
    expect(sim.issue(Number(id))?.body).toBe('Now with logs\n\n<!-- lockstep:ticket=t_update -->');
    expect(result.reportedValues).toBeUndefined();
    const acknowledged = await session.updateItem(id, request('t_update', { status: 'acknowledged' }));
    expect(acknowledged.reportedValues).toEqual({ status: 'open' });
    const long = await failureOf(session.updateItem(id, request('t_update', { title: 'x'.repeat(300) })));
    expect(long).toMatchObject({ kind: 'rejected', message: expect.stringMatching(/title .* at most 256 characters/) });
    expect((await failureOf(session.updateItem(id, request('t_update', { assignee: 'bob' })))).message).toMatch(
      /no GitHub login for this user/,
    );
  });

  it('adopts the issue a create whose answer was lost made, instead of a twin', async () => {
    const session = open();
    sim.loseNextAnswers(1);
    expect((await failureOf(session.createItem(request('t_lost', { title: 'Lost answer' })))).kind).toBe('unavailable');
    const before = sim.store.issues.size;
    const retried = await session.createItem(request('t_lost', { title: 'Lost answer' }, { retry: true }));
    expect(sim.store.issues.size).toBe(before);
    expect(sim.issue(Number(retried.externalId))?.title).toBe('Lost answer');
  });

  it('imports by pages, skipping pull requests, and resumes from its cursor', async () => {
    const session = open();
    sim.personPullRequest('A pull request');
    sim.personCreate('Made by a person', { labels: ['P4'] });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const page = await session.fetchChanges(cursor);
      seen.push(...page.items.map((item) => String(item.fields['title'])));
      cursor = page.cursor;
      if (page.done) break;
    }
    expect(seen).toContain('Made by a person');
    expect(seen).not.toContain('A pull request');
    expect(new Set(seen).size).toBe(seen.length);
    const again = await session.fetchChanges(cursor);
    expect(again.items.length).toBeLessThan(seen.length);
  });

  it('polls conditionally: when nothing changed, the 304 costs no quota', async () => {
    const session = createGithubConnector().open({
      projectId: 'p2',
      config: connector.parseConfig({ owner: 'acme', repo: 'web', baseUrl: sim.baseUrl }),
      credentials: connector.parseCredentials({ token: 'ghp_simulated' }),
    });
    const first = await session.fetchChanges(null);
    const second = await session.fetchChanges(first.cursor);
    const remaining = sim.limits.remaining;
    const unchanged = await session.fetchChanges(second.cursor);
    expect(unchanged).toMatchObject({ items: [], done: true });
    expect(sim.limits.remaining).toBe(remaining);
    sim.personCreate('Made after the poll');
    const changed = await session.fetchChanges(unchanged.cursor);
    expect(changed.items.map((item) => item.fields['title'])).toContain('Made after the poll');
  });

  it('mirrors comments: post with a marker, edit, fetch, remove, and adopt a lost post', async () => {
    const session = open();
    const { externalId } = await session.createItem(request('t_comments', { title: 'Has comments' }));
    const channel = session.comments;
    if (!channel) throw new Error('no comments');
    const ask = (body: string, extra: Record<string, unknown> = {}) => ({
      deliveryId: 'c',
      ticketId: 't',
      commentId: 'c_1',
      body,
      author: 'ann',
      createdAtMs: 0,
      updatedAtMs: 0,
      ...extra,
    });
    sim.loseNextAnswers(1);
    await failureOf(channel.post(externalId ?? '', ask('First')));
    const posted = await channel.post(externalId ?? '', ask('First', { retry: true }));
    expect([...sim.store.comments.values()].filter((c) => c.issueNumber === Number(externalId))).toHaveLength(1);
    expect(posted.reportedBody).toBe('First');
    await channel.edit(externalId ?? '', posted.externalId, ask('First, edited'));
    expect((await channel.fetch?.(externalId ?? '', posted.externalId))?.body).toBe('First, edited');
    await channel.remove(externalId ?? '', posted.externalId, ask(''));
    await channel.remove(externalId ?? '', posted.externalId, ask(''));
    expect(await channel.fetch?.(externalId ?? '', posted.externalId)).toBeNull();
  });

  it('turns primary and secondary rate limits into rate_limited with the wait GitHub asks for', async () => {
    const session = open();
    sim.limits.injectSecondary(1, 403, 7);
    expect(await failureOf(session.fetchItem('1'))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7_000 });
    sim.limits.injectSecondary(1, 429, 3);
    expect(await failureOf(session.fetchItem('1'))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000 });
    sim.limits.exhaust(1);
    const primary = await failureOf(session.fetchItem('1'));
    expect(primary.kind).toBe('rate_limited');
    expect(primary.retryAfterMs).toBeLessThanOrEqual(2_000);
    await new Promise((resolve) => setTimeout(resolve, primary.retryAfterMs ?? 0));
    expect(await session.fetchItem('1')).not.toBeNull();
  });

  it('authenticates as a GitHub App, renewing the installation token before it expires', async () => {
    const credentials = {
      appId: sim.app.appId,
      privateKey: sim.app.privateKey,
      installationId: sim.app.installationId,
    };
    await open(credentials).testConnection();
    const minted = sim.tokens.minted;
    await open(credentials).fetchItem('1');
    expect(sim.tokens.minted).toBe(minted);
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    await open(credentials).fetchItem('1');
    expect(sim.tokens.minted).toBe(minted + 1);
    expect(sim.tokens.expiredUses).toBe(0);
    const wrong = { ...credentials, installationId: 1 };
    expect((await failureOf(open(wrong).testConnection())).kind).toBe('unauthorized');
  });
});
