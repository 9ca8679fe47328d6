// Version vectors: `{replicaId: counter}`, the causal summary every field write carries. A
// replica id missing from a vector means counter 0, so vectors stay small (only replicas that
// wrote appear). Vectors are plain frozen-by-convention objects: they are persisted as jsonb and
// sent in events, so no class and no Map.

/** Identifies a replica: the hub itself or one connected external project. */
export type ReplicaId = string;

/** `{replicaId: counter}`; absent entries are 0. Never mutated once built. */
export type VersionVector = Readonly<Record<ReplicaId, number>>;

/** A single write event: the `counter`-th write issued for `replica` (on one ticket). */
export interface Dot {
  readonly replica: ReplicaId;
  readonly counter: number;
}

/** The causal order between two vectors. */
export type Ordering = 'equal' | 'before' | 'after' | 'concurrent';

/** The empty vector (nothing seen). */
export const emptyVector: VersionVector = Object.freeze({});

/** The counter `vector` holds for `replica` (0 when absent). */
export function counterOf(vector: VersionVector, replica: ReplicaId): number {
  return vector[replica] ?? 0;
}

/** Least upper bound: every entry at its maximum. */
export function join(a: VersionVector, b: VersionVector): VersionVector {
  const out: Record<ReplicaId, number> = { ...a };
  for (const [replica, counter] of Object.entries(b)) {
    if (counter > (out[replica] ?? 0)) out[replica] = counter;
  }
  return out;
}

/** The vector with `replica`'s counter raised by one. */
export function increment(vector: VersionVector, replica: ReplicaId): VersionVector {
  return { ...vector, [replica]: counterOf(vector, replica) + 1 };
}

/** The next dot `replica` would issue after everything `vector` has seen. */
export function nextDot(vector: VersionVector, replica: ReplicaId): Dot {
  return { replica, counter: counterOf(vector, replica) + 1 };
}

/** `vector` extended so that it also contains `dot`. */
export function withDot(vector: VersionVector, dot: Dot): VersionVector {
  return counterOf(vector, dot.replica) >= dot.counter ? vector : { ...vector, [dot.replica]: dot.counter };
}

/** True when `a` has seen everything `b` has (a >= b entry-wise). */
export function dominates(a: VersionVector, b: VersionVector): boolean {
  for (const [replica, counter] of Object.entries(b)) {
    if (counter > (a[replica] ?? 0)) return false;
  }
  return true;
}

/** True when the write identified by `dot` is part of what `vector` has seen. */
export function covers(vector: VersionVector, dot: Dot): boolean {
  return counterOf(vector, dot.replica) >= dot.counter;
}

/** Causal comparison of two vectors. */
export function compare(a: VersionVector, b: VersionVector): Ordering {
  const aSeesB = dominates(a, b);
  const bSeesA = dominates(b, a);
  if (aSeesB && bSeesA) return 'equal';
  if (aSeesB) return 'after';
  if (bSeesA) return 'before';
  return 'concurrent';
}

/** Guard named after the question callers ask: neither vector has seen the other. */
export function isConcurrent(a: VersionVector, b: VersionVector): boolean {
  return compare(a, b) === 'concurrent';
}

/** The same vector without zero entries and with sorted keys (canonical for encoding). */
export function normalise(vector: VersionVector): VersionVector {
  const out: Record<ReplicaId, number> = {};
  for (const replica of Object.keys(vector).sort()) {
    const counter = vector[replica] ?? 0;
    if (counter > 0) out[replica] = counter;
  }
  return out;
}

/** True when `value` is a well-formed vector (non-negative safe integers). */
export function isVersionVector(value: unknown): value is VersionVector {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((c) => Number.isSafeInteger(c) && (c as number) >= 0);
}
