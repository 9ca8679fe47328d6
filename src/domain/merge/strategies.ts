// Strategies for a field changed concurrently on the hub and on an external side (neither had
// seen the other's write). Pure decisions: the caller (the sync apply step) turns them into
// register writes. `newest_wins` is deterministic everywhere because HLC ties fall back to the
// replica id; `merge` merges sets and text three-way against the side's base and hands
// overlapping edits (and scalars, where any two edits overlap) to a person.

import type { ConflictStrategy } from '../conflict/conflict.ts';
import type { JsonValue } from '../json.ts';
import { compareHlc, type Hlc } from './hlc.ts';
import { mergeSets, mergeText } from './three-way.ts';

/** One side of a concurrent pair: its value and HLC stamp. */
export interface StampedValue {
  readonly value: JsonValue;
  readonly at: Hlc;
}

/** The concurrent pair and the common base they both started from. */
export interface ConcurrentChange {
  readonly base: JsonValue;
  readonly local: StampedValue;
  readonly remote: StampedValue;
}

/** What to do with a concurrent pair. */
export type StrategyDecision =
  | { readonly kind: 'keep_local' }
  | { readonly kind: 'take_external' }
  | { readonly kind: 'write_merged'; readonly value: JsonValue }
  | { readonly kind: 'manual'; readonly strategy: ConflictStrategy };

function isStringList(value: JsonValue): value is string[] {
  return Array.isArray(value) && value.every((x) => typeof x === 'string');
}

/** Three-way merge of a concurrent pair, or `manual` when the edits overlap. */
export function mergeConcurrent(change: ConcurrentChange): StrategyDecision {
  const { base, local, remote } = change;
  if (isStringList(local.value) && isStringList(remote.value)) {
    const merged = mergeSets(isStringList(base) ? base : [], local.value, remote.value);
    return { kind: 'write_merged', value: merged };
  }
  if (typeof local.value === 'string' && typeof remote.value === 'string') {
    const merged = mergeText(typeof base === 'string' ? base : '', local.value, remote.value);
    if (merged.kind === 'merged') return { kind: 'write_merged', value: merged.text };
  }
  return { kind: 'manual', strategy: 'merge' };
}

/** The decision `strategy` takes for a concurrent pair. */
export function decideConcurrent(strategy: ConflictStrategy, change: ConcurrentChange): StrategyDecision {
  switch (strategy) {
    case 'local_wins':
      return { kind: 'keep_local' };
    case 'external_wins':
      return { kind: 'take_external' };
    case 'newest_wins':
      return compareHlc(change.remote.at, change.local.at) > 0 ? { kind: 'take_external' } : { kind: 'keep_local' };
    case 'manual':
      return { kind: 'manual', strategy: 'manual' };
    case 'merge':
      return mergeConcurrent(change);
    default:
      return strategy satisfies never;
  }
}
