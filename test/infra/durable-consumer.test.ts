// The durable consumer against the real NATS server: a message whose handler keeps throwing is
// parked once and acknowledged (not redelivered for ever), messages of different keys run side
// by side while one key's work hangs, and a message handed over in this process (runHere) is
// retried after its delay, in its lane, and let go when the consumer stops. It says when it has
// pulled a message with nothing behind it in the stream, and when that message was published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { runDurableConsumer, type RunningConsumer } from '#infra/bus/durable-consumer.ts';
import { createNatsLink, type NatsLink } from '#infra/bus/nats-link.ts';
import { ensureStreams, streamNames } from '#infra/bus/streams.ts';
import { createLogger } from '#infra/logger.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

const logger = createLogger('silent');
let env: TestEnvironment;
let nats: NatsLink;
const running: RunningConsumer[] = [];

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  nats = createNatsLink(env.natsUrl, logger);
  await ensureStreams(await nats.ready, streamNames(env.prefix));
});

afterAll(async () => {
  for (const consumer of running) await consumer.stop();
  await nats.close();
  await env.cleanup();
});

const names = () => streamNames(env.prefix);
const publish = async (subject: string, payload: Record<string, string>) => jetstream(await nats.ready).publish(`${env.prefix}.${subject}`, JSON.stringify(payload));

describe('durable consumer', () => {
  it('parks a message whose handler keeps throwing, once, and acknowledges it', async () => {
    let calls = 0;
    const parked: Array<Record<string, unknown>> = [];
    running.push(
      runDurableConsumer(nats, {
        stream: names().events,
        durable: 'parking',
        subject: `${env.prefix}.events.parking.>`,
        handle: async () => {
          calls += 1;
          throw new Error('always broken');
        },
        maxFailures: 3,
        park: async (payload) => void parked.push(payload),
        logger,
      }),
    );
    await publish('events.parking.one', { jobId: 'j1' });
    await eventually(async () => parked.length, (n) => n === 1, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(parked).toEqual([{ jobId: 'j1' }]);
    expect(calls).toBe(3);
    const info = await (await jetstreamManager(await nats.ready)).consumers.info(names().events, 'parking');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it('says, of the last message waiting in the stream only, that it caught up and when that message was published', async () => {
    const published: number[] = [];
    const caughtUp: number[] = [];
    for (const n of ['1', '2', '3']) {
      published.push(Date.now());
      await publish(`events.backlog.${n}`, { n });
    }
    const handled: string[] = [];
    running.push(
      runDurableConsumer(nats, {
        stream: names().events,
        durable: 'backlog',
        subject: `${env.prefix}.events.backlog.>`,
        handle: async (payload) => {
          handled.push(String(payload['n']));
          return 'done';
        },
        caughtUp: (publishedAtMs) => void caughtUp.push(publishedAtMs),
        logger,
      }),
    );
    await eventually(async () => handled.length, (n) => n === 3, 10_000);
    expect(caughtUp).toHaveLength(1);
    // JetStream's clock stamps the last message: after it was sent, within a second of our clock.
    expect(caughtUp[0]).toBeGreaterThanOrEqual((published[2] ?? 0) - 1000);
    expect(caughtUp[0]).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('runs another key while one key hangs', async () => {
    const done: string[] = [];
    let releaseHang: () => void = () => undefined;
    const hang = new Promise<void>((resolve) => (releaseHang = resolve));
    running.push(
      runDurableConsumer(nats, {
        stream: names().events,
        durable: 'keyed',
        subject: `${env.prefix}.events.keyed.>`,
        handle: async (payload) => {
          if (payload['projectId'] === 'a') await hang;
          done.push(String(payload['n']));
          return 'done';
        },
        concurrency: { total: 4, perKey: 1, keyOf: (payload) => String(payload['projectId']) },
        logger,
      }),
    );
    await publish('events.keyed.a', { projectId: 'a', n: 'a1' });
    await publish('events.keyed.a', { projectId: 'a', n: 'a2' });
    await publish('events.keyed.b', { projectId: 'b', n: 'b1' });
    await publish('events.keyed.b', { projectId: 'b', n: 'b2' });
    await eventually(async () => done.length, (n) => n === 2);
    expect(done).toEqual(['b1', 'b2']);
    releaseHang();
    await eventually(async () => done.length, (n) => n === 4);
    expect(done.slice(2)).toEqual(['a1', 'a2']);
  });

  it('runs a message handed over here in its lane, tries it again after the delay it asked for, and parks one that keeps throwing', async () => {
    const seen: string[] = [];
    const parked: Array<Record<string, unknown>> = [];
    const consumer = runDurableConsumer(nats, {
      stream: names().events,
      durable: 'here',
      subject: `${env.prefix}.events.here.>`,
      handle: async (payload, deliveryCount) => {
        seen.push(`${String(payload['n'])}#${deliveryCount}`);
        if (payload['n'] === 'broken') throw new Error('always broken');
        return payload['n'] === 'later' && deliveryCount === 1 ? { retryInMs: 50 } : 'done';
      },
      concurrency: { total: 4, perKey: 4, keyOf: () => 'all', laneOf: (payload) => String(payload['lane']) },
      maxFailures: 2,
      park: async (payload) => void parked.push(payload),
      logger,
    });
    running.push(consumer);
    const subject = `${env.prefix}.events.here.one`;
    await Promise.all([
      consumer.runHere({ n: 'later', lane: 'a' }, subject),
      consumer.runHere({ n: 'next', lane: 'a' }, subject),
      consumer.runHere({ n: 'broken', lane: 'b' }, subject),
    ]);
    // The retry goes to the back of its lane, as a message sent again would.
    expect(seen.filter((entry) => !entry.startsWith('broken'))).toEqual(['later#1', 'next#1', 'later#2']);
    expect(seen.filter((entry) => entry.startsWith('broken'))).toEqual(['broken#1', 'broken#2']);
    expect(parked).toEqual([{ n: 'broken', lane: 'b' }]);
  });

  it('lets a message handed over here go when it stops (even while attaching), and runs none handed over after', async () => {
    let calls = 0;
    const consumer = runDurableConsumer(nats, {
      stream: names().events,
      durable: 'here-stopping',
      subject: `${env.prefix}.events.here-stopping.>`,
      handle: async () => {
        calls += 1;
        return { retryInMs: 60_000 };
      },
      logger,
    });
    // Stopped right after it started, while it may still be attaching to its JetStream consumer.
    const waiting = consumer.runHere({ n: 'waits' }, `${env.prefix}.events.here-stopping.one`);
    await eventually(async () => calls, (n) => n === 1);
    await consumer.stop();
    await waiting;
    await consumer.runHere({ n: 'too late' }, `${env.prefix}.events.here-stopping.one`);
    expect(calls).toBe(1);
  });
});
