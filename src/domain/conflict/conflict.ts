// The Conflict aggregate: concurrent values of one ticket field that no rule could settle, kept
// side by side (with origin, version and timestamp) until a reviewer picks the value. While it is
// open the ticket holds pushes of that field. Plain public properties so MikroORM can map the class
// directly (it populates instances without calling a constructor).

import { ConflictAlreadyResolved } from '../errors.ts';
import { cloneJson, type JsonValue } from '../json.ts';
import type { Hlc } from '../merge/hlc.ts';
import type { Origin } from '../merge/register.ts';
import type { Dot } from '../merge/version-vector.ts';
import type { FieldKey } from '../ticket/fields.ts';

/** Strategies for concurrent changes, per project and per field. */
export const conflictStrategies = ['local_wins', 'external_wins', 'newest_wins', 'manual', 'merge'] as const;
export type ConflictStrategy = (typeof conflictStrategies)[number];

/** Conflict states. */
export const conflictStatuses = ['open', 'resolved'] as const;
export type ConflictStatus = (typeof conflictStatuses)[number];

/** One competing value: who wrote it, the version token it carried, when (ISO and HLC). */
export interface ConflictCandidate {
  readonly value: JsonValue;
  readonly origin: Origin;
  readonly version: string;
  readonly at: string;
  readonly hlc: Hlc;
  readonly dot: Dot;
}

/** How the conflict was settled. */
export interface ConflictResolution {
  readonly value: JsonValue;
  readonly by: string;
  readonly at: string;
  /** The ticket version after the resolution; it dominates every candidate's version. */
  readonly version: string;
}

/** What opening a conflict needs. */
export interface OpenConflictInput {
  readonly id: string;
  readonly ticketId: string;
  readonly projectId: string | null;
  readonly field: FieldKey;
  readonly candidates: readonly ConflictCandidate[];
  readonly strategy: ConflictStrategy;
  readonly detectedAt: Date;
}

/** Concurrent values of one field of one ticket, waiting for a reviewer. */
export class Conflict {
  id!: string;
  ticketId!: string;
  /** The external project involved; null when two writers on the hub collided. */
  projectId!: string | null;
  field!: FieldKey;
  candidates!: ConflictCandidate[];
  /** The strategy that handed the case to a person (`manual`, or `merge` on overlapping edits). */
  strategy!: ConflictStrategy;
  status!: ConflictStatus;
  detectedAt!: Date;
  resolution!: ConflictResolution | null;

  /** An open conflict holding `candidates`. */
  static open(input: OpenConflictInput): Conflict {
    const conflict = new Conflict();
    conflict.id = input.id;
    conflict.ticketId = input.ticketId;
    conflict.projectId = input.projectId;
    conflict.field = input.field;
    conflict.candidates = input.candidates.map((c) => ({ ...c, value: cloneJson(c.value) }));
    conflict.strategy = input.strategy;
    conflict.status = 'open';
    conflict.detectedAt = input.detectedAt;
    conflict.resolution = null;
    return conflict;
  }

  /** True while no resolution has been recorded. */
  isOpen(): boolean {
    return this.status === 'open';
  }

  /** Throws ConflictAlreadyResolved unless the conflict is still open. */
  assertOpen(): void {
    if (this.resolution !== null || this.status === 'resolved') {
      throw new ConflictAlreadyResolved(this.id, this.resolution?.by ?? 'unknown', this.resolution?.at ?? 'unknown');
    }
  }

  /** Records the resolution; use Ticket.resolveConflict, which also applies it to the ticket. */
  resolve(resolution: ConflictResolution): void {
    this.assertOpen();
    this.status = 'resolved';
    this.resolution = { ...resolution, value: cloneJson(resolution.value) };
  }

  /** Replaces the candidates when a newer write of one side supersedes its earlier candidate. */
  updateCandidates(candidates: readonly ConflictCandidate[]): void {
    this.assertOpen();
    this.candidates = candidates.map((c) => ({ ...c, value: cloneJson(c.value) }));
  }
}
