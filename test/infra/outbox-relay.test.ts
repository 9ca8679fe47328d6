// Several relays over one outbox (several Lockstep processes): the stream receives the rows in the
// order they were committed, never interleaved batches; and a relay listening to the outbox signal
// publishes a row another process committed at once, not at its next safety poll; a statement that
// adds no outbox row (a delivery handled where it arrived) wakes nobody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createNatsLink, type NatsLink } from '#infra/bus/nats-link.ts';
import { startOutboxRelay, type OutboxRelay } from '#infra/bus/outbox-relay.ts';
import { ensureStreams, streamNames } from '#infra/bus/streams.ts';
import { createLogger } from '#infra/logger.ts';
import { listenToOutbox } from '#infra/persistence/outbox-signal.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { sqlPoolOf } from '#infra/persistence/sql-pool.ts';
import { query } from '#test/support/databases.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

const logger = createLogger('silent');
const ROWS = 2_000;
let env: TestEnvironment;
let orm: Orm;
const orms: Orm[] = [];
let nats: NatsLink;
const relays: OutboxRelay[] = [];
const links: NatsLink[] = [];

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  orm = await openDatabase(env.databaseUrl, logger);
  nats = createNatsLink(env.natsUrl, logger);
  await ensureStreams(await nats.ready, streamNames(env.prefix));
});

afterAll(async () => {
  for (const relay of relays) await relay.stop();
  for (const link of links) await link.close();
  await nats.close();
  await orm.close();
  for (const other of orms) await other.close();
  await env.cleanup();
});

describe('three relays over one outbox', () => {
  it('publish every row once, in commit order', async () => {
    const subject = `${env.prefix}.events.order.all.checked`;
    await orm.em.getConnection().execute(
      `insert into outbox (id, subject, type, payload, created_at)
       select gen_random_uuid(), ?, 'order.checked', jsonb_build_object('n', n), now() from generate_series(1, ?) as n order by n`,
      [subject, ROWS],
    );
    // Each relay on its own connection, as in separate processes.
    for (let i = 0; i < 3; i++) {
      const link = createNatsLink(env.natsUrl, logger);
      links.push(link);
      await link.ready;
      // Each relay on a pool of its own too, as in separate processes.
      const own = await openDatabase(env.databaseUrl, logger);
      orms.push(own);
      relays.push(startOutboxRelay(await sqlPoolOf(own), link, logger));
    }
    for (const relay of relays) relay.kick();
    await Promise.all(relays.map((relay) => relay.drain(30_000)));

    const nc = await nats.ready;
    const stream = streamNames(env.prefix).events;
    await (await jetstreamManager(nc)).consumers.add(stream, { durable_name: 'order', filter_subject: subject, ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All });
    const consumer = await jetstream(nc).consumers.get(stream, 'order');
    const seen: number[] = [];
    while (seen.length < ROWS) {
      const batch = await consumer.fetch({ max_messages: 300, expires: 2_000 });
      let got = 0;
      for await (const message of batch) {
        seen.push(message.json<{ n: number }>().n);
        got += 1;
      }
      if (got === 0) break;
    }
    expect(seen).toHaveLength(ROWS);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});

describe('a relay woken by the outbox signal', () => {
  it('publishes a row committed elsewhere within a second, and polls again once the signal is back', async () => {
    const signal = listenToOutbox(env.databaseUrl, logger);
    const relay = startOutboxRelay(await sqlPoolOf(orm), nats, logger, signal);
    try {
      await eventually(async () => signal.listening(), (up) => up);
      await relay.drain(10_000); // whatever the first test left
      await new Promise((resolve) => setTimeout(resolve, 300)); // the relay is asleep now, for its 5 s safety poll
      const subject = `${env.prefix}.events.signal.one.checked`;
      const nc = await nats.ready;
      const stream = streamNames(env.prefix).events;
      await (await jetstreamManager(nc)).consumers.add(stream, { durable_name: 'signal', filter_subject: subject, ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All });
      const committedAt = Date.now();
      // Another process's commit: plain SQL on a connection of its own.
      await query(env.databaseUrl, `insert into outbox (id, subject, type, payload, created_at) values (gen_random_uuid(), $1, 'signal.checked', '{}', now())`, [subject]);
      const consumer = await jetstream(nc).consumers.get(stream, 'signal');
      const message = await consumer.next({ expires: 4_000 });
      expect(message?.subject).toBe(subject);
      expect(Date.now() - committedAt).toBeLessThan(1_500);
    } finally {
      await relay.stop();
      await signal.close();
    }
  });

  it('is raised by a statement that adds outbox rows, and not by one that adds none', async () => {
    const signal = listenToOutbox(env.databaseUrl, logger);
    let signals = 0;
    signal.onSignal(() => (signals += 1));
    try {
      await eventually(async () => signal.listening(), (up) => up);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const before = signals;
      const insert = `insert into outbox (id, subject, type, payload, created_at)
                      select gen_random_uuid(), 'signal.quiet', 'signal.checked', '{}', now() where $1::boolean`;
      await query(env.databaseUrl, insert, [false]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(signals).toBe(before);
      await query(env.databaseUrl, insert, [true]);
      await eventually(async () => signals, (n) => n > before);
    } finally {
      await signal.close();
    }
  });
});
