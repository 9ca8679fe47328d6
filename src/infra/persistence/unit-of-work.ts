// One use case, one transaction: the aggregate changes and the events they raised are committed
// together (transactional outbox), written by one statement where their answers allow
// (deferred-writes.ts), and the relay is woken once the commit is durable. Engine messages this
// process handles itself skip the outbox and are handled once the commit holds (local-handoff.ts).
import type { EntityClass, EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { DomainEvent } from '#domain/events.ts';
import type { EngineEvent } from '#infra/sync/engine-events.ts';
import { createLocalHandoff, type LocalHandoff } from '#infra/sync/local-handoff.ts';
import { deferredWritesOf } from './deferred-writes.ts';
import { createLockedEdits, type LockedWork } from './locked-edit.ts';
import { appendToOutbox, outboxInsertOf } from './outbox.ts';
import { plainInsertOf, type PlainStatement } from './plain-insert.ts';

/** What a unit of work returns: its result, and the events to publish. */
export interface Committed<T> {
  readonly result: T;
  readonly events: readonly (DomainEvent | EngineEvent)[];
}

/** Runs use cases in transactions that also write their events to the outbox. */
export interface UnitOfWork {
  run<T>(work: (em: EntityManager) => Promise<Committed<T>>): Promise<T>;
  /** A fresh EntityManager for reads outside any transaction. */
  reader(): EntityManager;
  /**
   * A use case that only adds one new row: the row and its events go out as one statement, atomic
   * without a transaction (one round trip where begin, two inserts and commit took four).
   */
  insertWithEvents<T extends object>(entity: EntityClass<T>, instance: T, events: Committed<unknown>['events']): Promise<void>;
  /**
   * A use case that edits one row of `entity` (by primary key) under its row lock: `work` gets the
   * row as read (null when there is none), and the rows of `also` read under the lock, and decides;
   * its changed columns, new rows and events commit together. Two round trips where a MikroORM
   * transaction took five (see locked-edit.ts).
   */
  editLocked<E extends object, T>(entity: EntityClass<E>, id: string, work: LockedWork<E, T>, also?: PlainStatement): Promise<T>;
}

/**
 * Unit of work over `orm`; `afterCommit` runs with the events of each commit that wrote some, and
 * `local` takes the engine messages this process handles itself (none until a worker attaches).
 */
export function createUnitOfWork(
  orm: MikroORM,
  prefix: string,
  afterCommit: (events: Committed<unknown>['events']) => void,
  local: LocalHandoff = createLocalHandoff(prefix),
): UnitOfWork {
  const deferral = deferredWritesOf(orm);
  const editLocked = createLockedEdits(orm, prefix, afterCommit);
  return {
    editLocked,
    async run(work) {
      let taken: Committed<unknown>['events'] = [];
      const { result, events } = await orm.em
        .fork()
        .transactional((em) =>
          deferral.within(em, async () => {
            const committed = await work(em);
            const split = local.take(committed.events);
            taken = split.taken;
            appendToOutbox(em, prefix, split.outbox);
            return committed;
          }),
        )
        .catch((error: unknown) => {
          local.giveBack(taken);
          throw error;
        });
      if (events.length > 0) afterCommit(events);
      local.handOver(taken);
      return result;
    },
    reader: () => orm.em.fork(),
    async insertWithEvents(entity, instance, events) {
      const em = orm.em.fork();
      const row = plainInsertOf(em, entity, instance);
      if (events.length === 0) {
        await em.getConnection().execute(row.sql, row.values, 'run');
        return;
      }
      const outbox = outboxInsertOf(prefix, events);
      await em.getConnection().execute(`with added as (${row.sql}) ${outbox.sql}`, [...row.values, ...outbox.values], 'run');
      afterCommit(events);
    },
  };
}
