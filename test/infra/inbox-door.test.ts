// The webhook door on PostgreSQL: a burst of deliveries, repeats among them, is stored once per
// delivery id with one `delivery.received` message each, the first of a repeated id accepted and
// the rest answered `duplicate`; a project deleted while its deliveries wait refuses only those,
// not the other projects' deliveries sent in the same statement. A delivery this process's inbound
// worker takes is stored without a message and handed over after its commit; a repeat is not.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '#infra/logger.ts';
import { openDatabase, type Orm } from '#infra/persistence/orm.ts';
import { sqlPoolOf } from '#infra/persistence/sql-pool.ts';
import type { EngineEvent } from '#infra/sync/engine-events.ts';
import { createInboxDoor, type InboxDoor } from '#infra/sync/inbox-door.ts';
import { createLocalHandoff } from '#infra/sync/local-handoff.ts';
import { query } from '#test/support/databases.ts';
import { sampleProject } from '#test/support/sample-project.ts';
import { createTestEnvironment, type TestEnvironment } from '#test/support/lockstep.ts';

let env: TestEnvironment;
let orm: Orm;
let door: InboxDoor;
const heard: EngineEvent[] = [];

beforeAll(async () => {
  env = createTestEnvironment({ natsUrl: inject('natsUrl') });
  orm = await openDatabase(env.databaseUrl, createLogger('silent'));
  door = createInboxDoor(await sqlPoolOf(orm), 'door', (events) => heard.push(...events));
});

afterAll(async () => {
  await orm.close();
  await env.cleanup();
});

async function storedProject(): Promise<string> {
  const id = randomUUID();
  await orm.em.fork().persist(sampleProject({ id })).flush();
  return id;
}

const delivery = (deliveryId: string, title: string) => ({ deliveryId, items: [{ externalId: deliveryId, title }], comments: [], alerts: [] });

describe('webhook door', () => {
  it('stores a burst once per delivery id, with one message each, and answers the repeats duplicate', async () => {
    const projectId = await storedProject();
    const ids = Array.from({ length: 40 }, (_, index) => `burst-${index}`);
    // Every id twice, the second with another body, all at once.
    const sent = [...ids.map((id) => [id, 'first'] as const), ...ids.map((id) => [id, 'repeat'] as const)];
    const outcomes = await Promise.all(sent.map(([id, title]) => door(projectId, delivery(id, title))));
    expect(outcomes.slice(0, ids.length).every((outcome) => outcome === 'accepted')).toBe(true);
    expect(outcomes.slice(ids.length).every((outcome) => outcome === 'duplicate')).toBe(true);
    const rows = await query<{ delivery_id: string; title: string; inbox_id: string; messages: string }>(
      env.databaseUrl,
      `select i.delivery_id, i.items->0->>'title' as title, i.id as inbox_id,
              (select count(*) from outbox o where o.payload->>'inboxId' = i.id::text and o.type = 'delivery.received') as messages
       from inbox i where i.project_id = $1 order by i.delivery_id`,
      [projectId],
    );
    expect(rows.map((row) => row.delivery_id)).toEqual([...ids].sort());
    expect(rows.every((row) => row.title === 'first' && Number(row.messages) === 1)).toBe(true);
    const messages = heard.filter((event) => event.type === 'delivery.received' && event.projectId === projectId);
    expect(messages.map((event) => (event as { inboxId: string }).inboxId).sort()).toEqual(rows.map((row) => row.inbox_id).sort());
  });

  it('answers a repeat sent after the first was stored duplicate', async () => {
    const projectId = await storedProject();
    expect(await door(projectId, delivery('later', 'first'))).toBe('accepted');
    expect(await door(projectId, delivery('later', 'again'))).toBe('duplicate');
  });

  it('refuses only the deliveries of a project that is gone, not those sent beside them', async () => {
    const [kept, gone] = [await storedProject(), await storedProject()];
    await query(env.databaseUrl, 'delete from external_projects where id = $1', [gone]);
    const outcomes = await Promise.allSettled([
      door(kept, delivery('beside-1', 'kept')),
      door(gone, delivery('beside-2', 'gone')),
      door(kept, delivery('beside-3', 'kept')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await query(env.databaseUrl, 'select delivery_id from inbox where project_id = any($1) order by delivery_id', [[kept, gone]])).toEqual([
      { delivery_id: 'beside-1' },
      { delivery_id: 'beside-3' },
    ]);
  });

  it('stores a delivery its own worker takes without a message, hands it over once stored, and gives the room of a repeat back', async () => {
    const projectId = await storedProject();
    const handoff = createLocalHandoff('door', 1);
    const handed: Array<{ payload: Record<string, unknown>; subject: string; stored: number }> = [];
    handoff.attach('delivery.received', async (payload, subject) => {
      const stored = await query(env.databaseUrl, 'select id from inbox where id = $1', [payload['inboxId']]);
      handed.push({ payload, subject, stored: stored.length });
    });
    const taking = createInboxDoor(await sqlPoolOf(orm), 'door', () => undefined, handoff);
    expect(await taking(projectId, delivery('own-1', 'first'))).toBe('accepted');
    expect(await taking(projectId, delivery('own-1', 'repeat'))).toBe('duplicate');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handed).toHaveLength(1);
    expect(handed[0]).toMatchObject({ payload: { type: 'delivery.received', projectId }, subject: `door.events.delivery.${projectId}.received`, stored: 1 });
    expect(handoff.inHand('delivery.received')).toBe(0);
    const messages = await query(env.databaseUrl, `select o.id from outbox o join inbox i on o.payload->>'inboxId' = i.id::text where i.project_id = $1`, [projectId]);
    expect(messages).toHaveLength(0);
  });
});
