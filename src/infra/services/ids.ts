// Ids of hub records are UUIDs; anything else cannot name one, so it is rejected before a query.
import { randomUUID } from 'node:crypto';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `id` has the shape of a hub id. */
export function isHubId(id: string): boolean {
  return uuid.test(id);
}

/** A new hub id. */
export function newHubId(): string {
  return randomUUID();
}
