// Subscribers of one event share one set of batch loaders, so what lies below the event (a
// conflict's ticket, a ticket's mappings) is read once for all of them; requests and subscriptions
// between events keep loaders of their own that remember nothing.
import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '#infra/services/event-feed.ts';
import type { GraphQLContext } from '#graphql/context.ts';
import { loadersOf } from '#graphql/loaders.ts';

/** An event as the fan-out hands it out: `shared` makes each key once. */
function eventOf(subject: string): FeedEvent {
  const values = new Map<string, unknown>();
  const shared = <T>(key: string, make: () => T): T => {
    if (!values.has(key)) values.set(key, make());
    return values.get(key) as T;
  };
  return { subject, payload: {}, shared, memo: (key, load) => shared(key, load) };
}

/** Contexts whose ticket reads are counted: the loaders call `getMany` once per batch. */
function contexts(count: number) {
  const batches: string[][] = [];
  const services = {
    tickets: {
      getMany: async (ids: readonly string[]) => {
        batches.push([...ids]);
        return new Map(ids.map((id) => [id, { id } as never]));
      },
    },
  } as unknown as GraphQLContext['services'];
  const list = Array.from({ length: count }, (): GraphQLContext => ({ caller: {} as GraphQLContext['caller'], services }));
  return { list, batches };
}

describe('loaders under a subscription event', () => {
  it('are one set for every subscriber of the event, reading each record once', async () => {
    const { list, batches } = contexts(50);
    const event = eventOf('x.events.conflict.p.detected');
    for (const context of list) context.event = event;
    const loaded = await Promise.all(list.map((context) => loadersOf(context).ticket.load('t-1')));
    expect(new Set(list.map((context) => loadersOf(context))).size).toBe(1);
    expect(loaded.every((ticket) => (ticket as { id: string }).id === 't-1')).toBe(true);
    expect(batches).toEqual([['t-1']]);
    // Later in the same event the record is remembered.
    await loadersOf(list[0] as GraphQLContext).ticket.load('t-1');
    expect(batches).toHaveLength(1);
  });

  it('are new for the next event, and per operation outside events, remembering nothing', async () => {
    const { list, batches } = contexts(2);
    const [a, b] = list as [GraphQLContext, GraphQLContext];
    a.event = eventOf('one');
    await loadersOf(a).ticket.load('t-1');
    a.event = eventOf('two');
    await loadersOf(a).ticket.load('t-1');
    expect(batches).toEqual([['t-1'], ['t-1']]);
    delete a.event;
    expect(loadersOf(a)).not.toBe(loadersOf(b));
    await loadersOf(a).ticket.load('t-2');
    await loadersOf(a).ticket.load('t-2');
    expect(batches.slice(2)).toEqual([['t-2'], ['t-2']]);
  });
});
