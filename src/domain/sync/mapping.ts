// Replica bookkeeping for one link between a hub ticket and an item in an external project. Per
// field it records the side's *base* (the value and version the side is known to hold and to have
// seen), the push in flight (sent, not yet acknowledged) and the newest external ordering key seen.
// Everything the classifier and the push planner decide follows from these three. Plain public
// properties (the per-field state is one JSON object) so MikroORM can map the class directly.

import { cloneJson, jsonEquals, type JsonValue } from '../json.ts';
import type { VersionVector } from '../merge/version-vector.ts';
import type { FieldKey } from '../ticket/fields.ts';
import type { Ticket } from '../ticket/ticket.ts';
import { compareOrderingKeys, type KeyComparator, type OrderingKey } from './policy.ts';

/** What the side holds for a field and which writes it has seen. */
export interface SideBase {
  readonly value: JsonValue;
  readonly version: VersionVector;
}

/** A push sent to the side and not yet acknowledged. */
export interface PendingPush {
  readonly value: JsonValue;
  readonly version: VersionVector;
}

/** The per-field replica state of one mapping. */
export interface FieldSide {
  readonly base: SideBase;
  readonly pending: PendingPush | null;
  readonly orderingKey: OrderingKey | null;
}

/** A field the side has never reported nor received. */
export const unknownSide: FieldSide = { base: { value: null, version: {} }, pending: null, orderingKey: null };

/** What linking needs; `externalValues` are the item's values when it already existed. */
export interface LinkInput {
  readonly id: string;
  readonly ticket: Ticket;
  readonly projectId: string;
  readonly externalId: string;
  readonly fields: readonly FieldKey[];
  readonly nowMs: number;
  readonly orderingKey?: OrderingKey;
  readonly externalValues?: Readonly<Partial<Record<FieldKey, JsonValue>>>;
  /** The item's address on the side, for people following the link. */
  readonly externalUrl?: string | null;
}

/** A link is live until the external item is deleted or a person stops it (the ticket is kept). */
export const mappingStatuses = ['linked', 'unlinked'] as const;
export type MappingStatus = (typeof mappingStatuses)[number];

/** Ticket <-> external item in one project, with per-field replica state. */
export class SyncMapping {
  id!: string;
  ticketId!: string;
  projectId!: string;
  externalId!: string;
  externalUrl!: string | null;
  status!: MappingStatus;
  fields!: Record<string, FieldSide>;
  linkedAt!: Date;
  unlinkedAt!: Date | null;
  /** Who stopped the link (null while linked, or when the item was deleted there). */
  unlinkedBy!: string | null;
  /** A person stopped this link: deliveries about the item are ignored until it is linked again. */
  tombstone!: boolean;

  /**
   * A new link. Fields whose external value equals the ticket's (or with no external value given,
   * for an item the hub just created with the ticket's values) start in sync at the ticket's
   * version; differing fields start at an empty version, so the planner pushes the hub's value.
   */
  static link(input: LinkInput): SyncMapping {
    const mapping = new SyncMapping();
    mapping.id = input.id;
    mapping.ticketId = input.ticket.id;
    mapping.projectId = input.projectId;
    mapping.externalId = input.externalId;
    mapping.externalUrl = input.externalUrl ?? null;
    mapping.status = 'linked';
    mapping.linkedAt = new Date(input.nowMs);
    mapping.unlinkedAt = null;
    mapping.unlinkedBy = null;
    mapping.tombstone = false;
    mapping.fields = {};
    for (const field of input.fields) {
      const hub = input.ticket.fieldValue(field);
      const external = input.externalValues?.[field];
      const value = external === undefined ? hub : cloneJson(external);
      const version = external === undefined || jsonEquals(external, hub) ? input.ticket.clock.vector : {};
      mapping.fields[field] = { base: { value, version }, pending: null, orderingKey: input.orderingKey ?? null };
    }
    return mapping;
  }

  /** The external item was deleted: the link ends, the ticket stays. */
  unlink(nowMs: number): void {
    this.status = 'unlinked';
    this.unlinkedAt = new Date(nowMs);
  }

  /**
   * A person stopped syncing this ticket with the item: the link ends and leaves a tombstone, so
   * the item's later reports are ignored instead of imported as a new ticket.
   */
  stop(actor: string, nowMs: number): void {
    this.unlink(nowMs);
    this.unlinkedBy = actor;
    this.tombstone = true;
  }

  /** The item was linked again on purpose: its reports count again. */
  clearTombstone(): void {
    this.tombstone = false;
  }

  /** The replica state of `field`. */
  side(field: FieldKey): FieldSide {
    return this.fields[field] ?? unknownSide;
  }

  /** Replaces the replica state of `field` (used by the classifier's outcomes). */
  setSide(field: FieldKey, side: FieldSide): void {
    this.fields[field] = side;
  }

  /** Records that `value` at `version` was sent to the side. */
  recordPushSent(field: FieldKey, value: JsonValue, version: VersionVector): void {
    this.setSide(field, { ...this.side(field), pending: { value: cloneJson(value), version } });
  }

  /** The side confirmed the push: it now holds and has seen the pushed state. */
  recordPushAcknowledged(field: FieldKey, orderingKey?: OrderingKey, compareKeys: KeyComparator = compareOrderingKeys): void {
    const pending = this.side(field).pending;
    if (pending !== null) this.recordSentAcknowledged(field, pending.value, pending.value, orderingKey, compareKeys);
  }

  /**
   * The side confirmed that it holds `sent` for `field` (as `held`, its own spelling of it). Only the
   * push in flight with that value is settled: a newer push planned meanwhile is not answered by
   * this one and stays in flight. Returns whether the push was still in flight.
   */
  recordSentAcknowledged(field: FieldKey, sent: JsonValue, held: JsonValue, orderingKey?: OrderingKey, compareKeys: KeyComparator = compareOrderingKeys): boolean {
    const side = this.side(field);
    if (side.pending === null || !jsonEquals(side.pending.value, sent)) return false;
    this.setSide(field, { base: { value: cloneJson(held), version: side.pending.version }, pending: null, orderingKey: newerKey(side.orderingKey, orderingKey, compareKeys) });
    return true;
  }

  /**
   * Whether `value` is still the push in flight for `field`. Not once the side acknowledged it, nor
   * once a report from the side settled the field after it was planned (a concurrent edit there):
   * writing it then would overwrite what the side holds, under a conflict still open perhaps.
   */
  isInFlight(field: FieldKey, value: JsonValue): boolean {
    const pending = this.side(field).pending;
    return pending !== null && jsonEquals(pending.value, value);
  }

  /** The push did not land (refused, or failed before the side applied it); it will be planned again. */
  recordPushFailed(field: FieldKey): void {
    this.setSide(field, { ...this.side(field), pending: null });
  }
}

/** The newer of a known key and an optional new one. */
export function newerKey(known: OrderingKey | null, next: OrderingKey | undefined, compareKeys: KeyComparator): OrderingKey | null {
  if (next === undefined) return known;
  if (known === null) return next;
  return compareKeys(next, known) > 0 ? next : known;
}
