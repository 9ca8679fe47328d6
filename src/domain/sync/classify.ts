// Classifies one external report of one field against the replica bookkeeping, before anything is
// written. This is where loops and lost updates are prevented: an older report never overwrites a
// newer one (ordering key), our own push coming back is an echo (advance the base, nothing else),
// a report of a value the side already held or the hub already shows changes nothing, and only a
// report from a side that had not seen the hub's current write is concurrent.

import { jsonEquals, type JsonValue } from '../json.ts';
import { hasSiblings, isCoveredBy, registerVersion, shownSibling, type FieldRegister } from '../merge/register.ts';
import { join } from '../merge/version-vector.ts';
import type { FieldSide } from './mapping.ts';
import { compareOrderingKeys, type KeyComparator, type OrderingKey } from './policy.ts';

/** One field's state as an external side reports it. */
export interface ExternalReport {
  readonly field: string;
  readonly value: JsonValue;
  readonly orderingKey: OrderingKey;
  /** When the side says the change happened (its updated_at); stamps the write's HLC. */
  readonly observedAtMs: number;
  readonly actor?: string;
}

/** The hub register and the side's bookkeeping for the reported field. */
export interface ReplicaFieldState {
  readonly register: FieldRegister | undefined;
  readonly side: FieldSide;
  readonly compareKeys?: KeyComparator;
}

/** The kinds of report, as the sync engine counts them. */
export type ReportKind = 'fast_forward' | 'echo' | 'stale' | 'concurrent' | 'no_change';

/** The classification, with the side's next bookkeeping where nothing is written. */
export type Classification =
  | { readonly kind: 'stale' }
  | { readonly kind: 'echo'; readonly side: FieldSide }
  | { readonly kind: 'no_change'; readonly side: FieldSide }
  | { readonly kind: 'fast_forward' }
  | { readonly kind: 'concurrent'; readonly held: boolean };

/**
 * Test-only switches that disable a safeguard, so the simulation can prove it would notice the
 * loss. Production code never passes them.
 */
export interface ClassifyOptions {
  /** false: our own pushes coming back are treated as external changes. */
  readonly recogniseEchoes?: boolean;
  /** false: every report counts as the newest, whatever its ordering key. */
  readonly guardOrdering?: boolean;
}

/** Classifies `report` against `state` (see the module header for the rules). */
export function classifyExternalReport(
  state: ReplicaFieldState,
  report: ExternalReport,
  options: ClassifyOptions = {},
): Classification {
  const { register, side } = state;
  const guard = options.guardOrdering ?? true;
  const echoes = options.recogniseEchoes ?? true;
  const order = side.orderingKey === null ? 1 : (state.compareKeys ?? compareOrderingKeys)(report.orderingKey, side.orderingKey);
  if (guard && order < 0) return { kind: 'stale' };
  const orderingKey = order > 0 || !guard ? report.orderingKey : side.orderingKey;

  if (echoes && side.pending !== null && jsonEquals(report.value, side.pending.value)) {
    return { kind: 'echo', side: { base: side.pending, pending: null, orderingKey } };
  }
  // The side still holds its base. With a push in flight and a newer key, though, the side may
  // have taken our push and then gone back to its old value (A-B-A): not "no change" then.
  const unmoved = side.pending === null || order <= 0;
  if (unmoved && jsonEquals(report.value, side.base.value)) return { kind: 'no_change', side: { ...side, orderingKey } };
  if (register === undefined) return { kind: 'fast_forward' };
  if (hasSiblings(register)) return { kind: 'concurrent', held: true };

  const shown = shownSibling(register);
  if (echoes && jsonEquals(report.value, shown.value)) {
    const base = { value: shown.value, version: join(side.base.version, registerVersion(register)) };
    // A newer state of the side that is not our push: whatever we had in flight did not stick.
    return { kind: 'no_change', side: { base, pending: order > 0 ? null : side.pending, orderingKey } };
  }
  if (isCoveredBy(register, side.base.version) || jsonEquals(shown.value, side.base.value)) return { kind: 'fast_forward' };
  return { kind: 'concurrent', held: false };
}
