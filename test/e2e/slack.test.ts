// Slack against the Web API simulator through `@slack/web-api`: a linked ticket is one message
// (title, status, priority, buttons Acknowledge and Resolve) redrawn in place on every change; a
// button press, signed as Slack signs and at most five minutes old, moves the ticket as the Slack
// user and is answered at once even when Slack is slow; forged or stale presses change nothing;
// `ratelimited` answers are waited out; a post whose answer was lost is not made twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackSimulator, type SimMessage, type SlackSimulator } from '#simulators/slack/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_PUSH_BACKOFF_MS: '100' });
let slack: SlackSimulator;
let project: { id: string; webhookUrl: string };

const gql = {
  connect: `mutation($input: ConnectExternalProjectInput!) {
    connectExternalProject(input: $input) { project { id webhookUrl } } }`,
  create: 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }',
  update: 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }',
  link: 'mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }',
  ticket: `query($id: ID!) { ticket(id: $id) { id status mappings { externalId }
    history(last: 20) { field to actor origin } } }`,
};

interface TicketView {
  id: string;
  status: string;
  mappings: Array<{ externalId: string }>;
  history: Array<{ field: string; to: unknown; actor: string | null; origin: string }>;
}

const admin = () => suite.lockstep.admin;
const read = async (id: string) => (await admin().run<{ ticket: TicketView }>(gql.ticket, { id })).ticket;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const messageOf = (ticket: TicketView): SimMessage => {
  const [channel, ts] = (ticket.mappings[0]?.externalId ?? '').split(':');
  const found = slack.messages.find((message) => message.channel === channel && message.ts === ts);
  if (!found) throw new Error(`no message for ${ticket.id}`);
  return found;
};

async function linked(title: string, priority = 'P2'): Promise<{ ticket: TicketView; message: SimMessage }> {
  const created = await admin().run<{ createTicket: { ticket: { id: string } } }>(gql.create, { input: { title, priority } });
  const id = created.createTicket.ticket.id;
  await admin().run(gql.link, { input: { ticketId: id, projectId: project.id } });
  const ticket = await eventually(() => read(id), (t) => t.mappings.length === 1);
  return { ticket, message: messageOf(ticket) };
}

beforeAll(async () => {
  slack = createSlackSimulator();
  await slack.start();
  const connected = await admin().run<{ connectExternalProject: { project: typeof project } }>(gql.connect, {
    input: {
      name: 'Slack #ops',
      kind: 'SLACK',
      direction: 'BIDIRECTIONAL',
      config: { channel: slack.channelId, baseUrl: slack.baseUrl },
      credentials: { botToken: slack.botToken, signingSecret: slack.signingSecret },
    },
  });
  project = connected.connectExternalProject.project;
});

afterAll(async () => {
  await slack?.stop();
});

describe('Slack', () => {
  it('shows a linked ticket as one message with its title, status, priority and two buttons, redrawn in place', async () => {
    slack.resetCalls();
    const { ticket, message } = await linked('Checkout errors spiking');
    expect(message.text).toBe('Checkout errors spiking — OPEN, P2');
    expect(slack.buttonsOf(message)).toEqual(['Acknowledge', 'Resolve']);
    await admin().run(gql.update, { input: { id: ticket.id, status: 'IN_PROGRESS', priority: 'P1' } });
    await eventually(async () => message.text, (text) => text === 'Checkout errors spiking — IN_PROGRESS, P1');
    expect(slack.messages.filter((m) => m.metadata?.event_payload?.['ticket_id'] === ticket.id)).toHaveLength(1);
    expect(slack.calls.get('chat.postMessage')).toBe(1);
    expect(slack.calls.get('chat.update')).toBe(1);
  });

  it('Acknowledge moves the ticket as the Slack user, answered at once even when Slack is slow, and redraws the message', async () => {
    const { ticket, message } = await linked('Queue depth growing');
    slack.resetCalls();
    slack.slowDown('chat.update', 4_000);
    try {
      const answer = await slack.press(project.webhookUrl, message, 'lockstep_acknowledge', { id: 'U0PAT', username: 'pat.oncall' });
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(3_000);
      const moved = await eventually(() => read(ticket.id), (t) => t.status === 'ACKNOWLEDGED');
      expect(moved.history.find((change) => change.field === 'status')).toMatchObject({ to: 'acknowledged', actor: 'pat.oncall' });
      await eventually(async () => message.text, (text) => text === 'Queue depth growing — ACKNOWLEDGED, P2', 15_000);
    } finally {
      slack.slowDown('chat.update', 0);
    }
    expect(slack.calls.get('chat.update')).toBe(1);
    // Resolve, from Slack too.
    expect((await slack.press(project.webhookUrl, message, 'lockstep_resolve')).status).toBe(200);
    await eventually(() => read(ticket.id), (t) => t.status === 'RESOLVED');
    await eventually(async () => message.text, (text) => text.endsWith('RESOLVED, P2'));
  });

  it('refuses a forged press and one older than five minutes, and changes nothing', async () => {
    const { ticket, message } = await linked('Cache misses');
    const forged = await slack.press(project.webhookUrl, message, 'lockstep_resolve', undefined, { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const stale = await slack.press(project.webhookUrl, message, 'lockstep_resolve', undefined, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    await pause(500);
    const after = await read(ticket.id);
    expect(after.status).toBe('OPEN');
    expect(after.history).toEqual([]);
  });

  it('waits out a ratelimited answer (Retry-After) before redrawing', async () => {
    const { ticket, message } = await linked('Slow search');
    slack.resetCalls();
    slack.rateLimitNext('chat.update', 1, 2);
    await admin().run(gql.update, { input: { id: ticket.id, status: 'ACKNOWLEDGED' } });
    await eventually(async () => message.text, (text) => text.includes('ACKNOWLEDGED'), 15_000);
    const [refused = 0, accepted = 0] = slack.callTimes.get('chat.update') ?? [];
    expect(slack.calls.get('chat.update')).toBe(2);
    expect(accepted - refused).toBeGreaterThanOrEqual(1_900);
  });

  it('a post whose answer was lost is found on the retry, not posted twice', async () => {
    slack.loseNextAnswers('chat.postMessage', 1);
    const { ticket } = await linked('Payments retries');
    await pause(300);
    expect(slack.messages.filter((m) => m.metadata?.event_payload?.['ticket_id'] === ticket.id)).toHaveLength(1);
    expect(slack.calls.get('conversations.history')).toBeGreaterThanOrEqual(1);
  });

  it('without the history scope a retried post is made again, and the project keeps working', async () => {
    slack.withoutScope('conversations.history', true);
    slack.loseNextAnswers('chat.postMessage', 1);
    try {
      const { ticket } = await linked('Disk pressure');
      await pause(300);
      // The lost post cannot be found without channels:history: the README says to grant it.
      expect(slack.messages.filter((m) => m.metadata?.event_payload?.['ticket_id'] === ticket.id)).toHaveLength(2);
      const status = await admin().run<{ externalProject: { status: string } }>('query($id: ID!) { externalProject(id: $id) { status } }', { id: project.id });
      expect(status.externalProject.status).toBe('ACTIVE');
    } finally {
      slack.withoutScope('conversations.history', false);
    }
  });
});
