// The shared event consumer against the real NATS server: one consumer serves every subscription
// of the process, each subscription gets exactly the events its pattern matches, subscribers of
// one record share one load per event, a subscriber that falls too far behind is ended, and the
// consumer goes away once nobody listens.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createEventFanout, SubscriberFellBehind, type EventFanout, type FeedEvent } from '#infra/bus/event-fanout.ts';
import { createNatsLink, type NatsLink } from '#infra/bus/nats-link.ts';
import { ensureStreams, streamNames } from '#infra/bus/streams.ts';
import { subjectMatches } from '#infra/bus/subject-match.ts';
import { createLogger } from '#infra/logger.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

const logger = createLogger('silent');
let env: TestEnvironment;
let nats: NatsLink;
let fanout: EventFanout;

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  nats = createNatsLink(env.natsUrl, logger);
  await ensureStreams(await nats.ready, streamNames(env.prefix));
  fanout = createEventFanout(nats, streamNames(env.prefix).events, env.prefix, logger, { lingerMs: 300, maxBacklog: 50 });
});

afterAll(async () => {
  await fanout.close();
  await nats.close();
  await env.cleanup();
});

const publish = async (subject: string, payload: Record<string, unknown>) =>
  jetstream(await nats.ready).publish(`${env.prefix}.events.${subject}`, JSON.stringify(payload));
const consumers = async () => (await (await jetstreamManager(await nats.ready)).consumers.list(streamNames(env.prefix).events).next()).length;

/** Follows `pattern` into an array until `stop` is called. */
function collect(pattern: string) {
  const controller = new AbortController();
  const seen: FeedEvent[] = [];
  let failure: unknown;
  const done = (async () => {
    try {
      for await (const event of fanout.follow(`${env.prefix}.events.${pattern}`, controller.signal)) seen.push(event);
    } catch (error) {
      failure = error;
    }
  })();
  return { seen, failure: () => failure, stop: async () => (controller.abort(), await done) };
}

const ids = ['0d3c5f9e-0000-4000-8000-000000000001', '0d3c5f9e-0000-4000-8000-000000000002'] as const;

describe('subject patterns', () => {
  it('match as NATS matches them', () => {
    expect(subjectMatches('a.events.ticket.x.>', 'a.events.ticket.x.updated')).toBe(true);
    expect(subjectMatches('a.events.ticket.x.>', 'a.events.ticket.x')).toBe(false);
    expect(subjectMatches('a.events.conflict.*.detected', 'a.events.conflict.p.detected')).toBe(true);
    expect(subjectMatches('a.events.conflict.*.detected', 'a.events.conflict.p.resolved')).toBe(false);
    expect(subjectMatches('a.events.sync.p.*', 'a.events.sync.p.progress.more')).toBe(false);
    const token = fc.stringMatching(/^[a-z0-9]{1,6}$/);
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 6 }), fc.nat(), (tokens, cut) => {
        const subject = tokens.join('.');
        const at = cut % tokens.length;
        // Any token may become `*`; any tail of at least one token may become `>`.
        const star = tokens.map((t, i) => (i === at ? '*' : t)).join('.');
        const tail = [...tokens.slice(0, at), '>'].join('.');
        return subjectMatches(subject, subject) && subjectMatches(star, subject) && subjectMatches(tail, subject) && !subjectMatches(`${subject}.x`, subject);
      }),
    );
  });
});

describe('event fan-out', () => {
  it('serves many subscriptions with one consumer, each getting exactly its events', async () => {
    const before = await consumers();
    const first = Array.from({ length: 20 }, () => collect(`ticket.${ids[0]}.>`));
    const second = collect(`ticket.${ids[1]}.>`);
    const conflicts = collect('conflict.*.detected');
    await eventually(async () => fanout.consuming(), (running) => running);
    expect(await consumers()).toBe(before + 1);
    expect(fanout.listeners()).toBe(22);

    await publish(`ticket.${ids[0]}.updated`, { n: 1 });
    await publish(`ticket.${ids[1]}.updated`, { n: 2 });
    await publish(`conflict.${ids[1]}.detected`, { n: 3 });
    await publish(`conflict.${ids[1]}.resolved`, { n: 4 });
    await publish(`ticket.${ids[0]}.comment`, { n: 5 });

    await eventually(async () => first.every((c) => c.seen.length === 2) && second.seen.length === 1 && conflicts.seen.length === 1, (ok) => ok);
    expect(first[0]?.seen.map((e) => e.payload['n'])).toEqual([1, 5]);
    expect(second.seen.map((e) => e.payload['n'])).toEqual([2]);
    expect(conflicts.seen.map((e) => e.payload['n'])).toEqual([3]);
    await Promise.all([...first, second, conflicts].map((c) => c.stop()));
    expect(fanout.listeners()).toBe(0);
  });

  it('lets subscribers of one record load it once per event', async () => {
    const watchers = Array.from({ length: 50 }, () => collect(`ticket.${ids[0]}.>`));
    await eventually(async () => fanout.consuming(), (running) => running);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await publish(`ticket.${ids[0]}.updated`, {});
    await eventually(async () => watchers.every((w) => w.seen.length === 1), (ok) => ok);
    let loads = 0;
    const loaded = await Promise.all(watchers.map((w) => w.seen[0]?.memo('ticket', async () => ++loads)));
    expect(loads).toBe(1);
    expect(new Set(loaded)).toEqual(new Set([1]));
    await Promise.all(watchers.map((w) => w.stop()));
  });

  it('ends a subscription that falls too far behind, and only that one', async () => {
    const controller = new AbortController();
    const slow = fanout.follow(`${env.prefix}.events.ticket.${ids[1]}.>`, controller.signal);
    const fast = collect(`ticket.${ids[1]}.>`);
    const first = slow.next(); // registers, then waits for the first event
    await eventually(async () => fanout.listeners(), (n) => n === 2);
    for (let n = 0; n < 80; n += 1) await publish(`ticket.${ids[1]}.updated`, { n });
    await eventually(async () => fast.seen.length, (n) => n === 80);
    expect((await first).value?.payload).toEqual({ n: 0 });
    await expect(slow.next()).rejects.toBeInstanceOf(SubscriberFellBehind);
    expect(fast.failure()).toBeUndefined();
    await fast.stop();
    controller.abort();
  });

  it('removes its consumer once nobody has listened for a while', async () => {
    const watcher = collect(`ticket.${ids[0]}.>`);
    await eventually(async () => fanout.consuming(), (running) => running);
    const withConsumer = await consumers();
    await watcher.stop();
    await eventually(async () => fanout.consuming(), (running) => !running, 5_000);
    expect(await eventually(consumers, (n) => n === withConsumer - 1)).toBe(withConsumer - 1);
  });
});
