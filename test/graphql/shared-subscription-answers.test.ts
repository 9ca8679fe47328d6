// Subscribers of one event share one execution of their selection set only when their document,
// variables and role are the same: an admin's answer never reaches a viewer, a resolver that reads
// more of the caller than its role fails rather than leak, and the next event is executed afresh.
import { GraphQLID, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { GraphQLContext } from '#graphql/context.ts';
import { subscribeSharingAnswers } from '#graphql/shared-subscription-results.ts';
import type { Caller } from '#infra/auth/tokens.ts';
import type { FeedEvent } from '#infra/services/event-feed.ts';

/** An event as the fan-out hands it out: `shared` makes each key once. */
function eventOf(item: { id: string; secret: string }): FeedEvent {
  const values = new Map<string, unknown>();
  const shared = <T>(key: string, make: () => T): T => {
    if (!values.has(key)) values.set(key, make());
    return values.get(key) as T;
  };
  return { subject: `x.events.item.${item.id}.updated`, payload: item, shared, memo: (key, load) => shared(key, load) };
}

/** Events pushed to every subscriber, each subscriber reading its own queue (as the fan-out does). */
function feed() {
  const queues: Array<{ items: FeedEvent[]; wake?: () => void }> = [];
  return {
    follow(): AsyncIterable<FeedEvent> {
      const queue: { items: FeedEvent[]; wake?: () => void } = { items: [] };
      queues.push(queue);
      return {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            const next = queue.items.shift();
            if (next) yield next;
            else await new Promise<void>((resolve) => (queue.wake = resolve));
          }
        },
      };
    },
    push(event: FeedEvent) {
      for (const queue of queues) {
        queue.items.push(event);
        queue.wake?.();
      }
    },
  };
}

let executions = 0;
const Item = new GraphQLObjectType<{ id: string; secret: string }, GraphQLContext>({
  name: 'Item',
  fields: {
    id: { type: GraphQLID },
    secret: { type: GraphQLString, resolve: (item, _args, { caller }) => (caller.role === 'admin' ? item.secret : null) },
    execution: { type: GraphQLString, resolve: () => String((executions += 1)) },
    seenBy: { type: GraphQLString, resolve: (_item, _args, { caller }) => caller.name },
  },
});

/** A schema whose one subscription field, `item`, yields what `items` yields. */
function itemSchema(items: (args: { id?: string }, context: GraphQLContext) => AsyncGenerator<unknown>): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { noop: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType<unknown, GraphQLContext>({
      name: 'Subscription',
      fields: {
        item: {
          type: Item,
          args: { id: { type: GraphQLID } },
          subscribe: (_root, args: { id?: string }, context: GraphQLContext) => items(args, context),
          resolve: (item: unknown) => item,
        },
      },
    }),
  });
}

function schemaOver(events: ReturnType<typeof feed>): GraphQLSchema {
  return itemSchema(async function* (args, context) {
    for await (const event of events.follow()) {
      if (args.id !== undefined && event.payload['id'] !== args.id) continue;
      context.event = event;
      yield event.payload;
    }
  });
}

const callerOf = (role: Caller['role'], name: string): Caller => ({ tokenId: name, name, role });

async function subscribe(schema: GraphQLSchema, caller: Caller, query: string, variables?: Record<string, unknown>) {
  const stream = await subscribeSharingAnswers({
    schema,
    document: parse(query),
    variableValues: variables ?? null,
    contextValue: { caller, services: {} as GraphQLContext['services'] } satisfies GraphQLContext,
  });
  if (!(Symbol.asyncIterator in stream)) throw new Error(`not a stream: ${JSON.stringify(stream)}`);
  const iterator = stream[Symbol.asyncIterator]();
  return { next: async () => (await iterator.next()).value as ExecutionResult, close: () => iterator.return?.() };
}

const WATCH = 'subscription($id: ID) { item(id: $id) { id secret execution } }';

describe('answers shared between the subscribers of one event', () => {
  it('are computed once per role, and each role sees what it may', async () => {
    const events = feed();
    const schema = schemaOver(events);
    const admins = await Promise.all([1, 2, 3].map((n) => subscribe(schema, callerOf('admin', `admin ${n}`), WATCH, { id: 'i1' })));
    const viewers = await Promise.all([1, 2].map((n) => subscribe(schema, callerOf('viewer', `viewer ${n}`), WATCH, { id: 'i1' })));
    const before = executions;
    const answers = Promise.all([...admins, ...viewers].map((subscriber) => subscriber.next()));
    events.push(eventOf({ id: 'i1', secret: 'only for admins' }));
    const [a1, a2, a3, v1, v2] = await answers;
    expect(executions - before).toBe(2);
    for (const answer of [a1, a2, a3]) expect(answer?.data).toEqual({ item: { id: 'i1', secret: 'only for admins', execution: String(before + 1) } });
    expect(a2).toBe(a1);
    for (const answer of [v1, v2]) expect(answer?.data?.['item']).toMatchObject({ id: 'i1', secret: null });
    expect(v1).not.toBe(a1);
    for (const subscriber of [...admins, ...viewers]) await subscriber.close();
  });

  it('are not shared across different variables, and not carried to the next event', async () => {
    const events = feed();
    const schema = schemaOver(events);
    const admin = callerOf('admin', 'admin');
    const [any1, any2] = await Promise.all([subscribe(schema, admin, WATCH), subscribe(schema, admin, WATCH, { id: 'i1' })]);
    const before = executions;
    const first = Promise.all([any1.next(), any2.next()]);
    events.push(eventOf({ id: 'i1', secret: 'one' }));
    const [x, y] = await first;
    expect(executions - before).toBe(2);
    for (const answer of [x, y]) expect(answer?.data).toEqual({ item: { id: 'i1', secret: 'one', execution: expect.any(String) } });
    expect(x).not.toBe(y);
    const second = Promise.all([any1.next(), any2.next()]);
    events.push(eventOf({ id: 'i1', secret: 'two' }));
    const [x2, y2] = await second;
    expect(executions - before).toBe(4);
    expect([x2?.data?.['item'], y2?.data?.['item']]).toMatchObject([{ secret: 'two' }, { secret: 'two' }]);
    await any1.close();
    await any2.close();
  });

  it('refuse a resolver that reads the caller beyond its role, instead of sharing one caller’s answer', async () => {
    const events = feed();
    const schema = schemaOver(events);
    const subscribers = await Promise.all(['ann', 'bob'].map((name) => subscribe(schema, callerOf('editor', name), 'subscription { item { seenBy } }')));
    const answers = Promise.all(subscribers.map((subscriber) => subscriber.next()));
    events.push(eventOf({ id: 'i1', secret: 's' }));
    for (const answer of await answers) {
      expect(answer.data).toEqual({ item: { seenBy: null } });
      expect(answer.errors?.[0]?.message).toMatch(/must not read the caller's name/);
    }
    for (const subscriber of subscribers) await subscriber.close();
  });

  it('are executed for the subscriber alone when the event carries none', async () => {
    const schema = itemSchema(async function* () {
      yield { id: 'plain', secret: 's' };
    });
    const subscriber = await subscribe(schema, callerOf('editor', 'ed'), 'subscription { item { id seenBy } }');
    expect((await subscriber.next()).data).toEqual({ item: { id: 'plain', seenBy: 'ed' } });
  });

  it('answer a variable error as the caller’s, before any event', async () => {
    const result = await subscribeSharingAnswers({
      schema: schemaOver(feed()),
      document: parse('subscription($id: ID!) { item(id: $id) { id } }'),
      variableValues: {},
      contextValue: { caller: callerOf('admin', 'a'), services: {} as GraphQLContext['services'] } satisfies GraphQLContext,
    });
    expect(Symbol.asyncIterator in result).toBe(false);
    expect((result as ExecutionResult).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
