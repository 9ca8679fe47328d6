// Multi-value register, one per ticket field, with dotted version vectors (DVV).
//
// Why dots and not a plain vector per value: two writers going through the same hub both get
// a hub counter, so with plain vectors a writer that read an old version would look "after" the
// write it never saw. Here each write gets a unique dot (replica, counter) issued by the ticket and
// carries the causal context it saw (a vector). A write supersedes exactly the siblings whose dot
// its context covers; every sibling it has not seen stays, so a stale write is concurrent, never
// "before" or "after". Counters are per ticket and per replica and issued in order, so a vector
// summarises a set of dots exactly. One sibling = a settled field; several = an open conflict.

import type { JsonValue } from '../json.ts';
import type { Hlc } from './hlc.ts';
import { covers, withDot, type Dot, type ReplicaId, type VersionVector } from './version-vector.ts';

/** Who made a write: the replica it came through, and the person or process when known. */
export interface Origin {
  readonly replica: ReplicaId;
  readonly actor?: string;
}

/** One value of a register with the write that produced it. */
export interface Sibling {
  readonly value: JsonValue;
  readonly dot: Dot;
  readonly at: Hlc;
  readonly origin: Origin;
}

/** The versioned state of one field: its live siblings, and the open conflict holding them. */
export interface FieldRegister {
  readonly siblings: readonly Sibling[];
  readonly conflictId?: string;
}

/** The sibling `write` produced with `value` (built field by field: writes are the hot path). */
export function siblingOf(value: JsonValue, write: Omit<Sibling, 'value'>): Sibling {
  return { value, dot: write.dot, at: write.at, origin: write.origin };
}

/** A register holding a single value. */
export function createRegister(sibling: Sibling): FieldRegister {
  return { siblings: [sibling] };
}

/** The sibling whose value the ticket shows (the first; during a conflict, the value held before). */
export function shownSibling(register: FieldRegister): Sibling {
  const first = register.siblings[0];
  if (!first) throw new Error('register without siblings');
  return first;
}

/** True when the field has several live values (a conflict is open on it). */
export function hasSiblings(register: FieldRegister): boolean {
  return register.siblings.length > 1;
}

/** The siblings a writer with causal context `context` has not seen. */
export function unseenSiblings(register: FieldRegister, context: VersionVector): Sibling[] {
  const unseen: Sibling[] = [];
  for (const sibling of register.siblings) if (!covers(context, sibling.dot)) unseen.push(sibling);
  return unseen;
}

/** True when `context` has seen every live value of the field. */
export function isCoveredBy(register: FieldRegister, context: VersionVector): boolean {
  for (const sibling of register.siblings) if (!covers(context, sibling.dot)) return false;
  return true;
}

/** The join of the live siblings' dots: the least vector that covers the field. */
export function registerVersion(register: FieldRegister, base: VersionVector = {}): VersionVector {
  return register.siblings.reduce((v, s) => withDot(v, s.dot), base);
}

/** DVV write: `sibling` supersedes the siblings `context` covers and joins the ones it has not seen. */
export function writeRegister(register: FieldRegister, sibling: Sibling, context: VersionVector): FieldRegister {
  const kept = unseenSiblings(register, context);
  if (kept.length === 0) return { siblings: [sibling] };
  const out: FieldRegister = { siblings: [...kept, sibling] };
  return register.conflictId === undefined ? out : { ...out, conflictId: register.conflictId };
}

/** The register with its open conflict recorded (or cleared with `undefined`). */
export function withConflict(register: FieldRegister, conflictId: string | undefined): FieldRegister {
  return conflictId === undefined ? { siblings: register.siblings } : { siblings: register.siblings, conflictId };
}
