// The events stream as every process ensures it on (re)connection: created once, brought up to date
// again without error, and rid of the durable consumers earlier versions made and none reads now.
import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNatsLink, type NatsLink } from '#infra/bus/nats-link.ts';
import { ensureStreams, streamNames } from '#infra/bus/streams.ts';
import { createLogger } from '#infra/logger.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

let env: TestEnvironment;
let nats: NatsLink;

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  nats = createNatsLink(env.natsUrl, createLogger('silent'));
});

afterAll(async () => {
  await nats.close();
  await env.cleanup();
});

describe('ensuring the events stream', () => {
  it('removes the retired silences consumer and keeps the others', async () => {
    const names = streamNames(env.prefix);
    const nc = await nats.ready;
    await ensureStreams(nc, names);
    const jsm = await jetstreamManager(nc);
    for (const durable of ['silences', 'push-planner']) {
      await jsm.consumers.add(names.events, { durable_name: durable, ack_policy: AckPolicy.Explicit, filter_subject: `${names.prefix}.events.ticket.*.*` });
    }
    await ensureStreams(nc, names);
    const left: string[] = [];
    for await (const consumer of jsm.consumers.list(names.events)) left.push(consumer.name);
    expect(left).toEqual(['push-planner']);
    // Again, with nothing left to remove.
    await ensureStreams(nc, names);
  });
});
