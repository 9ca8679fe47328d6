// GitHub Issues end to end: Lockstep against the GitHub simulator (the Issues REST subset on
// loopback, signed webhooks for every change including ours), driven through GraphQL and signed
// webhooks only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureHeader } from '#adapters/shared/signatures.ts';
import { createGithubSimulator, type GithubSimulator } from '#simulators/github/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';
import { CONNECT, connectGithub, type ConnectedGithub } from '../adapters/github/support.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let github: GithubSimulator;
let project: ConnectedGithub;

const TICKET = `query($id: ID!) { ticket(id: $id) { id title description status priority labels mappings { externalId } openConflicts { id field } } }`;
interface TicketView {
  id: string;
  title: string;
  description: string;
  status: string;
  priority: string;
  labels: string[];
  mappings: Array<{ externalId: string }>;
  openConflicts: Array<{ id: string; field: string }>;
}

const admin = () => suite.lockstep.admin;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(TICKET, { id })).ticket;
const create = async (input: Record<string, unknown>) =>
  (
    await admin().run<{ createTicket: { ticket: { id: string } } }>(
      `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }`,
      { input },
    )
  ).createTicket.ticket.id;
const update = (id: string, fields: Record<string, unknown>) =>
  admin().run(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }`, {
    input: { id, ...fields },
  });
const settle = (ms = 800) => new Promise((resolve) => setTimeout(resolve, ms));
const ticketsOf = async (number: number) => {
  const found = await admin().run<{
    tickets: { edges: Array<{ node: { id: string; mappings: Array<{ externalId: string }> } }> };
  }>(`{ tickets(first: 100) { edges { node { id mappings { externalId } } } } }`);
  return found.tickets.edges.filter((e) => e.node.mappings.some((m) => m.externalId === String(number)));
};

async function linkedIssue(
  title: string,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; number: number }> {
  const id = await create({ title, ...fields });
  await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
    input: { ticketId: id, projectId: project.id },
  });
  const ticket = await eventually(
    () => read(id),
    (t) => t.mappings.length === 1,
  );
  await github.webhooks.settled();
  await settle(300);
  return { id, number: Number(ticket.mappings[0]?.externalId) };
}

/** POSTs `body` to the project's webhook URL as GitHub would, signed with `secret`. */
function deliver(event: string, body: unknown, options: { id?: string; secret?: string } = {}): Promise<Response> {
  const raw = JSON.stringify(body);
  return fetch(project.webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': options.id ?? crypto.randomUUID(),
      'x-hub-signature-256': signatureHeader(options.secret ?? project.webhookSecret, raw),
    },
    body: raw,
  });
}

beforeAll(async () => {
  github = createGithubSimulator();
  await github.start();
  project = await connectGithub(admin(), github, {
    defaultStrategy: 'MANUAL',
    config: { owner: 'acme', repo: 'web', baseUrl: github.baseUrl, statusLabels: { IN_PROGRESS: 'in progress' } },
  });
});

afterAll(async () => {
  await github?.stop();
});

describe('GitHub Issues', () => {
  it('tests the connection on connect, naming what failed, and creates the priority labels', async () => {
    const connect = (credentials: Record<string, unknown>, repo = 'web') =>
      admin().request(CONNECT, {
        input: {
          name: 'Wrong',
          kind: 'GITHUB',
          direction: 'PUSH',
          config: { owner: 'acme', repo, baseUrl: github.baseUrl },
          credentials,
        },
      });
    expect((await connect({ token: 'ghp_readonly' })).errors?.[0]?.message).toMatch(
      /connection test failed.*cannot write issues of acme\/web/,
    );
    expect((await connect({ token: 'ghp_simulated' }, 'nope')).errors?.[0]?.message).toMatch(/connection test failed/);
    expect((await connect({ token: 'wrong' })).errors?.[0]?.message).toMatch(/connection test failed/);
    expect(project.status).toBe('ACTIVE');
    expect([...github.store.labels.values()].map((l) => l.name)).toEqual(
      expect.arrayContaining(['P1', 'P2', 'P3', 'P4', 'P5', 'in progress']),
    );
  });

  it('creates the issue on link, marked with the ticket, and makes exactly one ticket of it', async () => {
    const { id, number } = await linkedIssue('Payments are failing', {
      description: 'Since **10:02**',
      priority: 'P2',
      labels: ['payments'],
    });
    const issue = github.issue(number);
    expect(issue).toMatchObject({
      title: 'Payments are failing',
      body: `Since **10:02**\n\n<!-- lockstep:ticket=${id} -->`,
      state: 'open',
    });
    expect(issue?.labels.sort()).toEqual(['P2', 'payments']);
    await settle();
    expect(await ticketsOf(number)).toHaveLength(1);
    expect(await read(id)).toMatchObject({ description: 'Since **10:02**', labels: ['payments'], priority: 'P2' });
  });

  it('sends hub edits to GitHub: status as state and state_reason or a label, priority as a label', async () => {
    const { id, number } = await linkedIssue('Search is slow');
    await update(id, { status: 'IN_PROGRESS', priority: 'P1', title: 'Search is slow for EU users' });
    await eventually(
      async () => github.issue(number)?.labels.slice().sort(),
      (labels) => JSON.stringify(labels) === JSON.stringify(['P1', 'in progress']),
    );
    expect(github.issue(number)?.title).toBe('Search is slow for EU users');
    await update(id, { status: 'CLOSED' });
    await eventually(
      async () => github.issue(number),
      (issue) => issue?.state === 'closed' && issue.stateReason === 'not_planned',
    );
    await update(id, { status: 'RESOLVED' });
    await eventually(
      async () => github.issue(number)?.stateReason,
      (reason) => reason === 'completed',
    );
    await github.webhooks.settled();
    await settle();
    expect((await read(id)).status).toBe('RESOLVED');
  });

  it('learns the state after its write from the PATCH answer, not from another read', async () => {
    const { id, number } = await linkedIssue('Billing page is blank');
    github.resetCalls();
    await update(id, { title: 'Billing page is blank on Safari' });
    await eventually(async () => github.issue(number)?.title, (title) => title === 'Billing page is blank on Safari');
    await github.webhooks.settled();
    await settle();
    // One read before the write (a person's edit must not be overwritten), the write, and the read
    // the echo webhook asks for; none after the write.
    expect(github.calls.get('PATCH /repos/acme/web/issues/{n}')).toBe(1);
    expect(github.calls.get('GET /repos/acme/web/issues/{n}')).toBe(2);
    expect((await read(id)).title).toBe('Billing page is blank on Safari');
  });

  it('applies a change made on GitHub, by signed webhook, without writing it back', async () => {
    const { id, number } = await linkedIssue('Cache stampede');
    github.resetCalls();
    github.personEdit(number, {
      title: 'Cache stampede on deploy',
      labels: ['P3', 'cache'],
      state: 'closed',
      state_reason: 'completed',
    });
    const ticket = await eventually(
      () => read(id),
      (t) => t.title === 'Cache stampede on deploy' && t.status === 'RESOLVED',
    );
    expect(ticket.labels).toEqual(['cache']);
    await github.webhooks.settled();
    await settle();
    expect(github.callsTo('PATCH')).toBe(0);
  });

  it('counts two edits made in the same second, whatever order their webhooks arrive in', async () => {
    const { id, number } = await linkedIssue('Same second');
    github.webhooks.configure({ hold: true });
    try {
      // Start early in a second, so both edits carry the same updated_at.
      while (Date.now() % 1000 > 300) await settle(20);
      github.personEdit(number, { title: 'Same second: first' });
      github.personEdit(number, { title: 'Same second: second', labels: ['P3', 'twice'] });
      const stamps = github.webhooks.deliveries
        .slice(-3)
        .map((d) => (JSON.parse(d.body) as { issue: { updated_at: string } }).issue.updated_at);
      expect(new Set(stamps).size).toBe(1);
    } finally {
      github.webhooks.configure({ hold: false });
      await github.webhooks.release('newest-first');
    }
    const ticket = await eventually(
      () => read(id),
      (t) => t.title === 'Same second: second' && t.labels.includes('twice'),
    );
    await settle();
    expect(await read(id)).toMatchObject({ title: ticket.title, labels: ['twice'] });
  });

  it('turns concurrent edits into a conflict whose resolution reaches GitHub', async () => {
    const { id, number } = await linkedIssue('Login loop');
    await admin().run(`mutation($id: ID!) { pauseExternalProject(id: $id) { project { status } } }`, {
      id: project.id,
    });
    await update(id, { title: 'Login loop (hub)' });
    github.personEdit(number, { title: 'Login loop (github)' });
    await github.webhooks.settled();
    await admin().run(`mutation($id: ID!) { resumeExternalProject(id: $id) { project { status } } }`, {
      id: project.id,
    });
    const conflicted = await eventually(
      () => read(id),
      (t) => t.openConflicts.length === 1,
    );
    expect(conflicted.openConflicts[0]?.field).toBe('title');
    expect(github.issue(number)?.title).toBe('Login loop (github)');
    await admin().run(
      `mutation($c: ID!) { resolveConflict(input: { conflictId: $c, value: "Login loop (agreed)" }) { conflict { status } } }`,
      { c: conflicted.openConflicts[0]?.id },
    );
    await eventually(
      async () => github.issue(number)?.title,
      (title) => title === 'Login loop (agreed)',
    );
  });

  it("never writes over a person's edit whose webhook has not arrived: it becomes a conflict", async () => {
    const { id, number } = await linkedIssue('Quota alerts');
    github.webhooks.configure({ hold: true });
    try {
      github.personEdit(number, { title: 'Quota alerts (github)' });
      await update(id, { title: 'Quota alerts (hub)' });
      const conflicted = await eventually(
        () => read(id),
        (t) => t.openConflicts.length === 1,
      );
      expect(conflicted.openConflicts[0]?.field).toBe('title');
      expect(github.issue(number)?.title).toBe('Quota alerts (github)');
    } finally {
      github.webhooks.configure({ hold: false });
      await github.webhooks.release();
    }
    await settle();
    expect(github.issue(number)?.title).toBe('Quota alerts (github)');
    expect((await read(id)).openConflicts).toHaveLength(1);
  });

  it('links a ticket to an existing issue by its number, never to a pull request', async () => {
    // Made without webhooks: a delivery about them would import them as tickets of their own first.
    const [existing] = github.seed(1, () => ({ title: 'Existing issue', labels: ['P2'] }));
    const pr = github.store.create({ title: 'Existing pull request' }, 'octocat', { pullRequest: true, notify: false });
    if (!existing) throw new Error('no seeded issue');
    const id = await create({ title: 'Existing issue', priority: 'P2' });
    const link = (externalId: string) =>
      admin().request(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { ticket { id } } }`, {
        input: { ticketId: id, projectId: project.id, externalId },
      });
    expect((await link(String(pr.number))).errors?.[0]?.message).toMatch(/No item/);
    expect((await link(String(existing.number))).errors).toBeUndefined();
    expect((await read(id)).mappings).toEqual([{ externalId: String(existing.number) }]);
    await update(id, { title: 'Existing issue, edited in the hub' });
    await eventually(
      async () => github.issue(existing.number)?.title,
      (title) => title === 'Existing issue, edited in the hub',
    );
    expect(github.issue(existing.number)?.body).toBeNull();
  });

  it('imports existing issues once, skipping pull requests', async () => {
    github.seed(3, (index) => ({ title: `Imported issue ${index + 1}`, labels: ['P4'] }));
    github.store.create({ title: 'Imported pull request' }, 'octocat', { pullRequest: true, notify: false });
    const start = async () =>
      (
        await admin().run<{ startSync: { session: { id: string } } }>(
          `mutation($p: ID!) { startSync(input: { projectId: $p, kind: INITIAL }) { session { id } } }`,
          { p: project.id },
        )
      ).startSync.session.id;
    const done = (sessionId: string) =>
      eventually(
        () =>
          admin().run<{ syncSession: { status: string; created: number } }>(
            `query($id: ID!) { syncSession(id: $id) { status created } }`,
            { id: sessionId },
          ),
        (r) => r.syncSession.status !== 'RUNNING',
        30_000,
      );
    const first = await done(await start());
    expect(first.syncSession).toMatchObject({ status: 'COMPLETED' });
    const imported = await admin().run<{ tickets: { edges: Array<{ node: { priority: string } }> } }>(
      `{ tickets(first: 20, filter: { text: "Imported" }) { edges { node { priority } } } }`,
    );
    expect(imported.tickets.edges.map((e) => e.node.priority)).toEqual(['P4', 'P4', 'P4']);
    const second = await done(await start());
    expect(second.syncSession).toMatchObject({ status: 'COMPLETED', created: 0 });
  });

  it('adopts the issue a create whose answer was lost had made, instead of creating a twin', async () => {
    github.loseNextAnswers(1);
    const { id, number } = await linkedIssue('Answer lost on the way back');
    const made = [...github.store.issues.values()].filter((issue) => issue.title === 'Answer lost on the way back');
    expect(made.map((issue) => issue.number)).toEqual([number]);
    expect(made[0]?.body).toContain(`lockstep:ticket=${id}`);
    await settle();
    expect(await ticketsOf(number)).toHaveLength(1);
  });

  it('waits out a secondary rate limit, then delivers', async () => {
    const { id, number } = await linkedIssue('Throttled');
    github.limits.injectSecondary(1, 429, 1);
    await update(id, { title: 'Throttled, then through' });
    const title = await eventually(
      async () => github.issue(number)?.title,
      (value) => value === 'Throttled, then through',
      20_000,
    );
    expect(title).toBe('Throttled, then through');
    // The limit was met (whichever call of the push it hit), and the title changed once.
    expect(github.limits.injected).toHaveLength(0);
    const edits = github.webhooks.deliveries.filter((d) => {
      const body = JSON.parse(d.body) as { action?: string; issue?: { number: number }; changes?: { title?: unknown } };
      return body.action === 'edited' && body.issue?.number === number && body.changes?.title !== undefined;
    });
    expect(edits).toHaveLength(1);
  });

  it('refuses a bad signature with 401 and a malformed body with 400, naming the problem', async () => {
    const { number } = await linkedIssue('Guarded');
    const body = {
      action: 'edited',
      issue: {
        number,
        title: 'Forged',
        state: 'open',
        labels: [],
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2030-01-01T00:00:00Z',
      },
    };
    expect((await deliver('issues', body, { secret: 'not-the-secret' })).status).toBe(401);
    const malformed = await deliver('issues', { action: 'edited', issue: { number } });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/issue\.title/);
    expect(github.issue(number)?.title).toBe('Guarded');
  });

  it('answers ping, ignores pull requests, and applies a redelivered webhook once', async () => {
    github.ping();
    await github.webhooks.settled();
    expect(github.webhooks.deliveries.at(-1)?.statuses).toEqual([202]);
    const pr = github.personPullRequest('Fix the login loop');
    github.personComment(pr.number, 'LGTM');
    await github.webhooks.settled();
    await settle();
    expect(await ticketsOf(pr.number)).toHaveLength(0);

    const { id, number } = await linkedIssue('Redelivered');
    github.personEdit(number, { title: 'Redelivered once' });
    await github.webhooks.settled();
    await eventually(
      () => read(id),
      (t) => t.title === 'Redelivered once',
    );
    const delivery = github.webhooks.deliveries.at(-1);
    if (!delivery) throw new Error('no delivery');
    await settle();
    // A delivery is applied by reading the issue; a repeated one is dropped before that read.
    const reads = () => github.calls.get('GET /repos/acme/web/issues/{n}') ?? 0;
    const before = reads();
    expect(await github.webhooks.redeliver(delivery)).toBe(202);
    await settle();
    expect(reads()).toBe(before);
    expect((await read(id)).title).toBe('Redelivered once');
    github.personEdit(number, { title: 'Redelivered, then edited' });
    await eventually(
      () => read(id),
      (t) => t.title === 'Redelivered, then edited',
    );
    expect(reads()).toBeGreaterThan(before);
  });

  it('connects as a GitHub App and renews its installation token before it expires', async () => {
    const appGithub = createGithubSimulator({ owner: 'acme', repo: 'app', tokenLifetimeMs: 3_000 });
    await appGithub.start();
    try {
      const { app } = appGithub;
      const connected = await connectGithub(admin(), appGithub, {
        name: 'GitHub App acme/app',
        config: { owner: 'acme', repo: 'app', baseUrl: appGithub.baseUrl },
        credentials: { appId: app.appId, privateKey: app.privateKey, installationId: app.installationId },
      });
      expect(connected.status).toBe('ACTIVE');
      const id = await create({ title: 'Made through the App' });
      await admin().run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
        input: { ticketId: id, projectId: connected.id },
      });
      const linked = await eventually(
        () => read(id),
        (t) => t.mappings.length === 1,
      );
      const number = Number(linked.mappings[0]?.externalId);
      await settle(2_000);
      await update(id, { title: 'Made through the App, renewed' });
      await eventually(
        async () => appGithub.issue(number)?.title,
        (title) => title === 'Made through the App, renewed',
      );
      expect(appGithub.tokens.minted).toBeGreaterThanOrEqual(2);
      expect(appGithub.tokens.expiredUses).toBe(0);
      const refused = await admin().request(CONNECT, {
        input: {
          name: 'No access',
          kind: 'GITHUB',
          direction: 'PUSH',
          config: { owner: 'acme', repo: 'app', baseUrl: appGithub.baseUrl },
          credentials: { appId: app.appId, privateKey: app.privateKey, installationId: 7 },
        },
      });
      expect(refused.errors?.[0]?.message).toMatch(/connection test failed/);
    } finally {
      await appGithub.stop();
    }
  });
});
