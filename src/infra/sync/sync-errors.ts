// Records what could not be synced — a reported value no hub value matches, a change the project
// refused — as a SyncError row and a `sync.error` event in the caller's transaction, so it shows
// on the link and the project instead of disappearing.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from '#domain/events.ts';
import type { JsonValue } from '#domain/json.ts';
import { SyncErrorRecord } from '#infra/persistence/sync-records.ts';
import { newHubId } from '#infra/services/ids.ts';

/** What went wrong, and where. */
export interface SyncErrorInput {
  readonly projectId: string;
  readonly ticketId: string | null;
  readonly externalId: string | null;
  readonly field: string | null;
  readonly value?: JsonValue;
  readonly direction: 'inbound' | 'outbound';
  readonly message: string;
  readonly deliveryId: string | null;
}

/** Persists the error and returns its event. */
export function recordSyncError(em: EntityManager, input: SyncErrorInput): DomainEvent {
  const at = new Date();
  em.persist(Object.assign(new SyncErrorRecord(), { id: newHubId(), value: null, ...input, at }));
  return { type: 'sync.error', projectId: input.projectId, ticketId: input.ticketId, field: input.field, message: input.message, at: at.toISOString() };
}
