// Merging one field of a peer hub's state into the receiver's register: the state-based join of
// two dotted registers. A sibling survives when the other side has not seen its dot, or when both
// sides still hold it; the other side's siblings that this side has not seen are added. So a write
// whose context covers every local sibling replaces them (a peer's reviewer resolution closes the
// local twin conflict), a write already seen changes nothing (duplicates, echoes, reordered older
// states), and unseen writes on both sides are concurrent.
//
// Concurrent values: equal values keep the newest write of them (every hub picks the same one, so
// no new write is needed). A strategy that picks one of different values is recorded by the
// caller as a new write of the receiving hub that covers every candidate, as on the external
// path: a silent drop would only be safe if every hub of a mesh decided alike, and their policies
// may differ. `newest_wins` picks the newest (HLC, then dot); `local_wins` and `external_wins`
// apply only when the peer declared the mirror strategy for the field, or the two hubs would keep
// writing their own values back at each other; everything else (`manual`, `merge` without a
// shared base, mismatched strategies) keeps the candidates for a person.

import type { ConflictStrategy } from '../conflict/conflict.ts';
import { jsonEquals } from '../json.ts';
import { compareHlc } from '../merge/hlc.ts';
import type { Sibling } from '../merge/register.ts';
import { covers, type Dot, type VersionVector } from '../merge/version-vector.ts';

/** The receiver's and the sender's view of one field. */
export interface PeerMergeInput {
  /** The receiver's live siblings (empty when it has no register for the field); the first is shown. */
  readonly local: readonly Sibling[];
  /** Everything the receiver has seen (its ticket clock). */
  readonly localContext: VersionVector;
  /** True while an open conflict holds the field on the receiver. */
  readonly held: boolean;
  readonly incoming: readonly Sibling[];
  /** Everything the sender had seen (its ticket clock). */
  readonly incomingContext: VersionVector;
  /** The receiver's strategy for the field toward this peer. */
  readonly strategy: ConflictStrategy;
  /** The sender's strategy for the field toward the receiver. */
  readonly peerStrategy: ConflictStrategy;
}

/** How a field settled on one of the existing writes. */
export type SettledHow = 'fast_forward' | 'agreement';

/** Strategies that pick a value for a person. */
export type DecidingStrategy = 'newest_wins' | 'local_wins' | 'external_wins';

/** The merged register of one field. */
export type PeerMerge =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'settled'; readonly sibling: Sibling; readonly how: SettledHow }
  /** `winner`'s value is to be written again by the receiver, covering every candidate. */
  | { readonly kind: 'decided'; readonly winner: Sibling; readonly how: DecidingStrategy }
  | { readonly kind: 'conflict'; readonly siblings: readonly Sibling[]; readonly strategy: ConflictStrategy };

/** True when two dots name the same write. */
export function sameDot(a: Dot, b: Dot): boolean {
  return a.replica === b.replica && a.counter === b.counter;
}

function holds(siblings: readonly Sibling[], dot: Dot): boolean {
  return siblings.some((s) => sameDot(s.dot, dot));
}

/** Total order on writes that every hub computes alike: HLC, then replica id, then counter. */
export function compareWrites(a: Sibling, b: Sibling): number {
  const byClock = compareHlc(a.at, b.at);
  if (byClock !== 0) return byClock;
  if (a.dot.replica !== b.dot.replica) return a.dot.replica < b.dot.replica ? -1 : 1;
  return a.dot.counter - b.dot.counter;
}

/** The newest of non-empty `siblings` by `compareWrites`. */
export function newestWrite(siblings: readonly Sibling[]): Sibling {
  return siblings.reduce((best, s) => (compareWrites(s, best) > 0 ? s : best));
}

/** One sibling per distinct value (the newest write of it), in first-seen order. */
function distinctValues(siblings: readonly Sibling[]): Sibling[] {
  const out: Sibling[] = [];
  for (const s of siblings) {
    const at = out.findIndex((o) => jsonEquals(o.value, s.value));
    if (at < 0) out.push(s);
    else if (compareWrites(s, out[at] as Sibling) > 0) out[at] = s;
  }
  return out;
}

/** True when the two hubs' strategies agree on whose value wins. */
function mirrored(mine: ConflictStrategy, theirs: ConflictStrategy): boolean {
  return (mine === 'local_wins' && theirs === 'external_wins') || (mine === 'external_wins' && theirs === 'local_wins');
}

/** The join of the receiver's and the sender's register for one field (see the module header). */
export function mergePeerRegister(input: PeerMergeInput): PeerMerge {
  const { local, incoming } = input;
  const kept = local.filter((s) => !covers(input.incomingContext, s.dot) || holds(incoming, s.dot));
  const fresh = incoming.filter((s) => !covers(input.localContext, s.dot) && !holds(local, s.dot));
  if (fresh.length === 0 && kept.length === local.length) return { kind: 'duplicate' };
  const joined = [...kept, ...fresh];
  // Both hubs dropped each other's value (strategies that changed in between): newest, everywhere.
  if (joined.length === 0) return { kind: 'decided', winner: newestWrite([...local, ...incoming]), how: 'newest_wins' };
  const merged = distinctValues(joined);
  const only = merged[0] as Sibling;
  if (merged.length === 1) return { kind: 'settled', sibling: only, how: joined.length > 1 ? 'agreement' : 'fast_forward' };
  if (input.held) return { kind: 'conflict', siblings: merged, strategy: input.strategy };
  return decide(input, merged, fresh);
}

function decide(input: PeerMergeInput, merged: readonly Sibling[], fresh: readonly Sibling[]): PeerMerge {
  const { strategy } = input;
  switch (strategy) {
    case 'newest_wins':
      return { kind: 'decided', winner: newestWrite(merged), how: 'newest_wins' };
    case 'local_wins':
    case 'external_wins': {
      const shown = input.local[0];
      const theirs = fresh[0];
      const pair = merged.length === 2 && fresh.length === 1 && shown !== undefined && theirs !== undefined;
      if (!pair || !mirrored(strategy, input.peerStrategy) || holds(input.incoming, shown.dot) || !holds(merged, shown.dot)) {
        return { kind: 'conflict', siblings: merged, strategy };
      }
      return { kind: 'decided', winner: strategy === 'local_wins' ? shown : theirs, how: strategy };
    }
    case 'manual':
    case 'merge':
      return { kind: 'conflict', siblings: merged, strategy };
    default:
      return strategy satisfies never;
  }
}
