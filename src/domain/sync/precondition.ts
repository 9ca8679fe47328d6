// The write precondition of an update, and the check of a side that cannot refuse a stale write
// itself: before we write, what the side holds now is compared with what it held when the hub last
// saw it. A field that moved there since (to neither its base nor the value we are sending) is a
// person's concurrent change; writing over it would lose it, so the push gives way to that report.

import { jsonEquals, type JsonValue } from '../json.ts';
import type { WritePrecondition } from '../project/connector.ts';
import { normaliseField, type FieldKey } from '../ticket/fields.ts';
import type { SyncMapping } from './mapping.ts';
import { compareOrderingKeys, type KeyComparator, type OrderingKey } from './policy.ts';

/** A field about to be written, with the value we send. */
export interface FieldWrite {
  readonly field: FieldKey;
  readonly value: JsonValue;
}

/** What an update of `writes` through `mapping` expects the side to hold. */
export function writePrecondition(mapping: SyncMapping, writes: readonly FieldWrite[], compareKeys: KeyComparator = compareOrderingKeys): WritePrecondition {
  let orderingKey: OrderingKey | null = null;
  const base: Partial<Record<FieldKey, JsonValue>> = {};
  for (const field of Object.keys(mapping.fields) as FieldKey[]) {
    const key = mapping.side(field).orderingKey;
    if (key !== null && (orderingKey === null || compareKeys(key, orderingKey) > 0)) orderingKey = key;
  }
  for (const { field } of writes) base[field] = mapping.side(field).base.value;
  return { orderingKey, base };
}

/**
 * The fields of `writes` the side changed since `precondition`: what it holds now (`current`, in
 * hub terms) is neither the base nor the value we send. Fields the side does not report are unknown,
 * not moved.
 */
export function movedSinceBase(
  precondition: WritePrecondition,
  writes: readonly FieldWrite[],
  current: Readonly<Partial<Record<FieldKey, JsonValue>>>,
): FieldKey[] {
  const moved: FieldKey[] = [];
  for (const { field, value } of writes) {
    const now = current[field];
    if (now === undefined) continue;
    const held = comparable(field, now);
    const base = precondition.base[field];
    if (base !== undefined && jsonEquals(held, comparable(field, base))) continue;
    if (jsonEquals(held, comparable(field, value))) continue;
    moved.push(field);
  }
  return moved;
}

/** The value as the hub would store it (labels sorted...), or as given when it is not a valid one. */
function comparable(field: FieldKey, value: JsonValue): JsonValue {
  try {
    return normaliseField(field, value);
  } catch {
    return value;
  }
}
