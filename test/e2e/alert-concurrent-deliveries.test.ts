// Alert storms as they really arrive: many notifications at once, copies of one among them (an
// Alertmanager resend is the very same body; an HA peer's copy differs only in its externalURL).
// A newly connected source's first deliveries, posted together, must all be accepted (202, never a
// deadlock's 500), leave one ticket per group and complete the project's handshake; and a group's
// notifications posted concurrently and out of order must leave its ticket as the last one says.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerBody, postAlertBody, type SentAlert } from '#simulators/alertmanager/sender.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } }
}`;
const PROJECT = 'query($id: ID!) { externalProject(id: $id) { handshakeStatus } }';
const TICKETS = `query($text: String!) {
  tickets(first: 50, filter: { kind: [ALERT_GROUP], text: $text }) { edges { node { title status alerts(first: 5) { edges { node { status } } } } } }
}`;

interface Project {
  id: string;
  webhookUrl: string;
  webhookSecret: string;
}
interface TicketView {
  title: string;
  status: string;
  alerts: { edges: Array<{ node: { status: string } }> };
}

let env: TestEnvironment;
let lockstep: RunningLockstep;

beforeAll(async () => {
  env = createTestEnvironment();
  lockstep = await startInProcess(env);
});

afterAll(async () => {
  await lockstep?.stop();
  await env?.cleanup();
});

const connect = async (name: string) =>
  (
    await lockstep.admin.run<{ connectExternalProject: { project: Project } }>(CONNECT, {
      input: { name, kind: 'ALERTMANAGER', direction: 'PULL', config: {}, credentials: {} },
    })
  ).connectExternalProject.project;

const ticketsNamed = async (text: string) =>
  (await lockstep.admin.run<{ tickets: { edges: Array<{ node: TicketView }> } }>(TICKETS, { text })).tickets.edges.map((edge) => edge.node);

/** Source times an hour ago: in the past, within the reopen window of each other. */
const at = (seconds: number) => new Date(Date.now() - 3_600_000 + seconds * 1000).toISOString();

const firing = (name: string, startsAt: string): SentAlert => ({
  status: 'firing',
  labels: { alertname: name, severity: 'critical' },
  startsAt,
  fingerprint: `fp-${name}`,
});
const resolved = (alert: SentAlert, endsAt: string): SentAlert => ({ ...alert, status: 'resolved', endsAt });

/** The notification, as the primary and as its HA peer send it. */
const copies = (groupKey: string, alerts: SentAlert[]) => {
  const notification = { groupKey, alerts, groupLabels: { alertname: alerts[0]?.labels['alertname'] ?? '' } };
  return [
    alertmanagerBody({ ...notification, externalURL: 'http://alertmanager-0:9093' }),
    alertmanagerBody({ ...notification, externalURL: 'http://alertmanager-1:9093' }),
  ];
};

describe('alert deliveries arriving together', () => {
  it('accepts every first delivery of a new source posted at once, copies included: one ticket per group, handshake done', async () => {
    // Each round is a newly connected project (handshake pending) taking its first deliveries together.
    for (let round = 0; round < 12; round += 1) {
      const project = await connect(`Storm ${round}`);
      const names = Array.from({ length: 12 }, (_, group) => `Together${round}x${group}`);
      const bodies = names.flatMap((name) => {
        const [primary = '', peer = ''] = copies(`{}:{alertname="${name}"}`, [firing(name, at(0))]);
        return [primary, primary, peer, primary];
      });
      // Started a millisecond apart, so some are read while the handshake is still pending and some after.
      const answers = await Promise.all(
        bodies.map(async (body, index) => {
          await sleep(index);
          return postAlertBody(project.webhookUrl, project.webhookSecret, body);
        }),
      );
      expect(answers.map((answer) => answer.status)).toEqual(bodies.map(() => 202));
      const tickets = await eventually(
        () => ticketsNamed(`Together${round}x`),
        (found) => found.length >= names.length,
      );
      expect(tickets.map((ticket) => ticket.title).sort()).toEqual([...names].sort());
      const { externalProject } = await lockstep.admin.run<{ externalProject: { handshakeStatus: string } }>(PROJECT, { id: project.id });
      expect(externalProject.handshakeStatus).toBe('ACTIVE');
    }
  });

  it('leaves each group as its last notification says when its later notifications and their copies arrive together, newest first', async () => {
    const project = await connect('Storm out of order');
    const names = Array.from({ length: 6 }, (_, group) => `Shuffled${group}`);
    const post = (body: string) => postAlertBody(project.webhookUrl, project.webhookSecret, body);
    const later = names.map((name, group) => {
      const key = `{}:{alertname="${name}"}`;
      const a = firing(name, at(0));
      const b: SentAlert = { ...firing(name, at(10)), labels: { alertname: name, severity: 'warning', instance: 'b' }, fingerprint: `fp-${name}-b` };
      // fire b, resolve a, resolve b (resolved), fire a again (reopened); even groups then resolve again.
      const steps = [[a, b], [resolved(a, at(20)), b], [resolved(a, at(20)), resolved(b, at(30))], [firing(name, at(40)), resolved(b, at(30))]];
      if (group % 2 === 0) steps.push([resolved(firing(name, at(40)), at(50)), resolved(b, at(30))]);
      return { first: copies(key, [a]), rest: steps.flatMap((alerts) => copies(key, alerts)) };
    });
    // Each group's first notification opens its ticket; then everything else at once, the newest ahead of the older.
    expect((await Promise.all(later.flatMap((group) => group.first).map(post))).map((answer) => answer.status)).toEqual(later.flatMap(() => [202, 202]));
    await eventually(() => ticketsNamed('Shuffled'), (found) => found.length === names.length);
    const bodies = later.flatMap((group) => group.rest).reverse();
    const answers = await Promise.all(bodies.map(post));
    expect(answers.map((answer) => answer.status)).toEqual(bodies.map(() => 202));
    const settled = (tickets: TicketView[]) =>
      tickets.length === names.length &&
      tickets.every((ticket) => {
        const even = Number(ticket.title.slice('Shuffled'.length)) % 2 === 0;
        const statuses = ticket.alerts.edges.map((edge) => edge.node.status).sort();
        return even
          ? ticket.status === 'RESOLVED' && statuses.join() === 'RESOLVED,RESOLVED'
          : ticket.status === 'OPEN' && statuses.join() === 'FIRING,RESOLVED';
      });
    const tickets = await eventually(() => ticketsNamed('Shuffled'), settled, 20_000);
    expect(tickets).toHaveLength(names.length);
  });
});
