// Subscriptions are bounded: a socket and a token hold at most the configured number, every
// subscription is released when it ends (completed or socket closed), all of them share one
// in-memory JetStream consumer, a malformed document is an `error` on its own subscription, ids
// are checked before they reach a subject pattern, and a revoked token's sockets are closed.
import { jetstreamManager, type ConsumerInfo } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamNames } from '#infra/bus/streams.ts';
import { eventually } from '#test/support/eventually.ts';
import { useLockstep } from '#test/support/lockstep.ts';

const suite = useLockstep({ LOCKSTEP_MAX_SUBSCRIPTIONS_PER_CONNECTION: '5', LOCKSTEP_MAX_SUBSCRIPTIONS_PER_TOKEN: '8' });
const ISSUE = `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token id } }`;
const WATCH = `subscription($id: ID!) { ticketChanged(id: $id) { id } }`;

let ticketId = '';
let viewer = { token: '', id: '' };
const sockets: Client[] = [];

async function issue(role: string): Promise<{ token: string; id: string }> {
  const data = await suite.lockstep.admin.run<{ createApiToken: { token: string; id: string } }>(ISSUE, { input: { name: `${role} ${Math.random()}`, role } });
  return data.createApiToken;
}

function socket(token: string, onClosed?: (code: number) => void): Client {
  const client = createClient({
    url: `${suite.lockstep.url.replace(/^http/, 'ws')}/graphql`,
    connectionParams: { Authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => onClosed?.((event as { code: number }).code) },
  });
  sockets.push(client);
  return client;
}

type GraphQLErrorJson = { message: string; extensions?: Record<string, unknown> };

/** A subscription as the client sees it: the errors the server sent for it, and a way to end it. */
interface Tracked {
  readonly errors: GraphQLErrorJson[];
  stop(): void;
}

function subscribe(client: Client, query: string, variables: Record<string, unknown>): Tracked {
  const errors: GraphQLErrorJson[] = [];
  const stop = client.subscribe(
    { query, variables },
    {
      next: () => undefined,
      // GraphQL errors for this subscription, or the socket's close event when the socket ends.
      error: (received) => errors.push(...(Array.isArray(received) ? (received as GraphQLErrorJson[]) : [{ message: 'socket closed' }])),
      complete: () => undefined,
    },
  );
  return { errors, stop };
}

const errorsOf = (list: readonly Tracked[]) => list.flatMap((tracked) => tracked.errors);

async function feedConsumerInfos(): Promise<ConsumerInfo[]> {
  const nc = await connect({ servers: suite.env.natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const consumers = await jsm.consumers.list(streamNames(suite.env.prefix).events).next();
    return consumers.filter((consumer) => consumer.name.startsWith('feed_'));
  } finally {
    await nc.close();
  }
}

/** Subscriptions listening in the server process, as /metrics reports them. */
async function subscriptionConsumers(): Promise<number> {
  const text = await (await fetch(`${suite.lockstep.url}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith('lockstep_subscriptions_listening'));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

beforeAll(async () => {
  const created = await suite.lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(
    `mutation { createTicket(input: { title: "Watched" }) { ticket { id } } }`,
  );
  ticketId = created.createTicket.ticket.id;
  viewer = await issue('VIEWER');
});

afterAll(async () => {
  await Promise.all(sockets.map((client) => client.dispose()));
});

describe('subscription limits', () => {
  it('caps a socket and a token, and releases every consumer when the sockets close', async () => {
    const first = socket(viewer.token);
    const onFirst = Array.from({ length: 6 }, () => subscribe(first, WATCH, { id: ticketId }));
    await eventually(async () => errorsOf(onFirst).length, (count) => count >= 1);
    expect(await eventually(subscriptionConsumers, (count) => count === 5)).toBe(5);
    expect(errorsOf(onFirst).map((error) => error.extensions?.['code'])).toEqual(['TOO_MANY_SUBSCRIPTIONS']);

    const second = socket(viewer.token);
    const onSecond = Array.from({ length: 4 }, () => subscribe(second, WATCH, { id: ticketId }));
    await eventually(async () => errorsOf(onSecond).length, (count) => count >= 1);
    expect(await eventually(subscriptionConsumers, (count) => count === 8)).toBe(8);
    expect(await feedConsumerInfos()).toHaveLength(1);
    expect(errorsOf(onSecond)[0]?.message).toMatch(/Too many subscriptions open with this token/);

    await first.dispose();
    await second.dispose();
    expect(await eventually(subscriptionConsumers, (count) => count === 0)).toBe(0);
    // The slots came back: the token may subscribe again.
    const third = socket(viewer.token);
    const again = subscribe(third, WATCH, { id: ticketId });
    expect(await eventually(subscriptionConsumers, (count) => count === 1)).toBe(1);
    expect(again.errors).toEqual([]);
    await third.dispose();
    await eventually(subscriptionConsumers, (count) => count === 0);
  });

  it('releases the consumer of a subscription the client completes on an open socket', async () => {
    const client = socket(viewer.token);
    const kept = subscribe(client, WATCH, { id: ticketId });
    const ended = subscribe(client, WATCH, { id: ticketId });
    await eventually(subscriptionConsumers, (count) => count === 2);
    expect(errorsOf([kept, ended])).toEqual([]);
    // One consumer for both, ephemeral and in memory: a crash leaves nothing behind for long, a
    // NATS restart nothing at all.
    const infos = await feedConsumerInfos();
    expect(infos).toHaveLength(1);
    for (const info of infos) {
      expect(info.config.durable_name).toBeUndefined();
      expect(info.config.mem_storage).toBe(true);
      expect(info.config.inactive_threshold).toBeLessThanOrEqual(10 * 60 * 1_000_000_000);
    }
    ended.stop();
    expect(await eventually(subscriptionConsumers, (count) => count === 1)).toBe(1);
    await client.dispose();
    await eventually(subscriptionConsumers, (count) => count === 0);
  });

  it('answers a malformed document and a wildcard id with an error on that subscription only', async () => {
    let closedWith: number | undefined;
    const client = socket(viewer.token, (code) => (closedWith = code));
    const malformed = subscribe(client, 'subscription { ticketChanged(id: ', {});
    const [syntax] = await eventually(async () => malformed.errors, (errors) => errors.length > 0);
    expect(syntax?.message).toMatch(/Syntax Error/);
    const wildcard = subscribe(client, 'subscription { conflictDetected(projectId: ">") { id } }', {});
    const [refused] = await eventually(async () => wildcard.errors, (errors) => errors.length > 0);
    expect(refused?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(refused?.message).toMatch(/projectId.*not a Lockstep id/);
    // The socket is still open and serving.
    const fine = subscribe(client, WATCH, { id: ticketId });
    expect(await eventually(subscriptionConsumers, (count) => count === 1)).toBe(1);
    expect(fine.errors).toEqual([]);
    expect(closedWith).toBeUndefined();
    await client.dispose();
    await eventually(subscriptionConsumers, (count) => count === 0);
  });

  it('closes the open sockets and SSE streams of a revoked token', async () => {
    const doomed = await issue('VIEWER');
    let closedWith: number | undefined;
    const client = socket(doomed.token, (code) => (closedWith = code));
    subscribe(client, WATCH, { id: ticketId });
    await eventually(subscriptionConsumers, (count) => count === 1);
    const sse = await fetch(`${suite.lockstep.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${doomed.token}` },
      body: JSON.stringify({ query: WATCH, variables: { id: ticketId } }),
    });
    expect(sse.status).toBe(200);
    const sseEnded = (async () => {
      try {
        for await (const _chunk of sse.body!) {
          // Keep-alive pings until the stream ends.
        }
      } catch {
        // A destroyed stream ends the read with an error: ended all the same.
      }
      return true;
    })();
    const revoked = await suite.lockstep.admin.run<{ revokeApiToken: { id: string; revokedAt: string | null } }>(
      'mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }',
      { id: doomed.id },
    );
    expect(revoked.revokeApiToken.revokedAt).not.toBeNull();
    expect(await eventually(async () => closedWith, (code) => code !== undefined)).toBe(4403);
    expect(await sseEnded).toBe(true);
    const listed = await suite.lockstep.admin.run<{ apiTokens: Array<{ id: string; revokedAt: string | null }> }>('{ apiTokens { id revokedAt } }');
    expect(listed.apiTokens.find((token) => token.id === doomed.id)?.revokedAt).not.toBeNull();
    const refused = await suite.lockstep.client(doomed.token).request('{ viewer { name } }');
    expect(refused.status).toBe(401);
  });
});
