// Live changes: ticketChanged over WebSocket (graphql-transport-ws) and over SSE, and across
// processes: a subscriber on one Lockstep process sees a change made through another, because
// subscriptions are fed from JetStream, not from process memory.
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, useLockstep, type ChildLockstep, type RunningLockstep } from '#test/support/lockstep.ts';

const CREATE = `mutation($title: String!) { createTicket(input: { title: $title }) { ticket { id version } } }`;
const UPDATE = `mutation($id: ID!, $title: String!) { updateTicket(input: { id: $id, title: $title }) { ticket { id } } }`;
const CHANGED = `subscription($id: ID!) { ticketChanged(id: $id) { id title } }`;

const suite = useLockstep();

async function createTicket(client: RunningLockstep, title: string): Promise<string> {
  const data = await client.admin.run<{ createTicket: { ticket: { id: string } } }>(CREATE, { title });
  return data.createTicket.ticket.id;
}

/** Edits until the subscriber has seen the edit (the subscription may still be starting). */
async function editUntilSeen(
  writer: RunningLockstep,
  id: string,
  title: string,
  seen: () => boolean,
): Promise<void> {
  for (let attempt = 0; attempt < 40 && !seen(); attempt += 1) {
    await writer.admin.run(UPDATE, { id, title: `${title} #${attempt}` });
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('ticketChanged', () => {
  it('delivers changes over WebSocket', async () => {
    const id = await createTicket(suite.lockstep, 'Watch me');
    const subscription = suite.lockstep.admin.subscribe<{ ticketChanged: { id: string; title: string } }>(CHANGED, { id });
    try {
      await editUntilSeen(suite.lockstep, id, 'Renamed', () => subscription.events.length > 0);
      const event = await subscription.next((e) => e.ticketChanged.title.startsWith('Renamed'));
      expect(event.ticketChanged.id).toBe(id);
    } finally {
      await subscription.close();
    }
  });

  it('delivers one change for each of many edits sent at once, ending at the ticket as they left it', async () => {
    const id = await createTicket(suite.lockstep, 'Edited by many at once');
    const WATCH = `subscription($id: ID!) { ticketChanged(id: $id) { id title version } }`;
    type Seen = { ticketChanged: { title: string; version: string } };
    const watchers = [suite.lockstep.admin.subscribe<Seen>(WATCH, { id }), suite.lockstep.admin.subscribe<Seen>(WATCH, { id })];
    try {
      // Until both have the last warm-up edit, so nothing of the warm-up is still on its way.
      for (let attempt = 0; attempt < 40; attempt += 1) {
        await suite.lockstep.admin.run(UPDATE, { id, title: `Warm-up #${attempt}` });
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (watchers.every((watcher) => watcher.events.at(-1)?.ticketChanged.title === `Warm-up #${attempt}`)) break;
      }
      await Promise.all(Array.from({ length: 15 }, (_, index) => suite.lockstep.admin.run(UPDATE, { id, title: `Concurrent ${index}` })));
      const final = await suite.lockstep.admin.run<{ ticket: { title: string; version: string } }>(`query($id: ID!) { ticket(id: $id) { title version } }`, { id });
      const concurrent = (watcher: (typeof watchers)[number]) => watcher.events.filter((event) => event.ticketChanged.title.startsWith('Concurrent'));
      for (const watcher of watchers) {
        await eventuallySeen(() => concurrent(watcher).length >= 15);
        await new Promise((resolve) => setTimeout(resolve, 300));
        // Each change is the ticket as read when its event arrived: later edits may already show.
        expect(concurrent(watcher)).toHaveLength(15);
        expect(concurrent(watcher).at(-1)?.ticketChanged).toEqual({ id, ...final.ticket });
      }
    } finally {
      for (const watcher of watchers) await watcher.close();
    }
  });

  it('delivers changes over SSE', async () => {
    const id = await createTicket(suite.lockstep, 'Watch me over SSE');
    const aborter = new AbortController();
    const response = await fetch(`${suite.lockstep.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${suite.env.adminToken}` },
      body: JSON.stringify({ query: CHANGED, variables: { id } }),
      signal: aborter.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    let text = '';
    const reader = response.body!.getReader();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);
    await editUntilSeen(suite.lockstep, id, 'Seen over SSE', () => text.includes('Seen over SSE'));
    aborter.abort();
    await reading;
    expect(text).toMatch(/event: next\ndata: \{"data":\{"ticketChanged":\{"id":"[^"]+","title":"Seen over SSE/);
  });

  it('refuses a WebSocket connection without a valid token', async () => {
    const subscription = createAnonymousSubscription(suite.lockstep.url);
    await expect(subscription).rejects.toThrow(/4403|Forbidden/);
  });

  it('tells the subscriber when the ticket does not exist', async () => {
    const subscription = suite.lockstep.admin.subscribe(CHANGED, { id: '00000000-0000-4000-8000-000000000000' });
    try {
      await expect(subscription.next(() => true, 5_000)).rejects.toThrow(/No ticket with id/);
    } finally {
      await subscription.close();
    }
  });
});

/** Waits up to ten seconds for `seen`. */
async function eventuallySeen(seen: () => boolean): Promise<void> {
  for (let waited = 0; waited < 10_000 && !seen(); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function createAnonymousSubscription(url: string): Promise<void> {
  const { createClient } = await import('graphql-ws');
  const client = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, retryAttempts: 0, lazy: false });
  try {
    await new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: '{ __typename }' },
        { next: () => undefined, error: (error) => reject(new Error(String((error as CloseEvent).code ?? error) + ' ' + String((error as CloseEvent).reason ?? ''))), complete: resolve },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe('conflictDetected', () => {
  it('tells reviewers about a conflict between two hub writers as it is detected', async () => {
    const created = await suite.lockstep.admin.run<{ createTicket: { ticket: { id: string; version: string } } }>(
      `mutation { createTicket(input: { title: "Contended" }) { ticket { id version } } }`,
    );
    const { id, version } = created.createTicket.ticket;
    const subscription = suite.lockstep.admin.subscribe<{ conflictDetected: { id: string; field: string; ticket: { id: string } } }>(
      `subscription { conflictDetected { id field ticket { id } } }`,
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await suite.lockstep.admin.run(UPDATE, { id, title: 'Contended: first writer' });
      const stale = await suite.lockstep.admin.run<{ updateTicket: { conflicts: Array<{ id: string }> } }>(
        `mutation($id: ID!, $v: String!) { updateTicket(input: { id: $id, title: "Contended: second writer", expectedVersion: $v }) { conflicts { id } } }`,
        { id, v: version },
      );
      const event = await subscription.next((e) => e.conflictDetected.ticket.id === id);
      expect(event.conflictDetected).toEqual({ id: stale.updateTicket.conflicts[0]?.id, field: 'title', ticket: { id } });
    } finally {
      await subscription.close();
    }
  });
});

describe('two Lockstep processes on one database and NATS', () => {
  let other: ChildLockstep | undefined;

  afterAll(async () => {
    await other?.kill('SIGTERM');
  });

  it('a subscriber on one process sees a mutation made through the other', async () => {
    other = await startChild(suite.env);
    const id = await createTicket(suite.lockstep, 'Shared between processes');
    const subscription = suite.lockstep.admin.subscribe<{ ticketChanged: { id: string; title: string } }>(CHANGED, { id });
    try {
      await editUntilSeen(other, id, 'Changed in the other process', () => subscription.events.length > 0);
      const event = await subscription.next((e) => e.ticketChanged.title.startsWith('Changed in the other process'));
      expect(event.ticketChanged.id).toBe(id);
    } finally {
      await subscription.close();
    }
  });
});
