// The SyncSession aggregate: one bounded sync operation with a project (an initial import, an
// incremental catch-up, a full reconcile, one an operator asked for, or a backfill of the sync
// rules over existing tickets), with its counts, errors,
// timings and, for a dry run, the plan it would have applied. Sessions survive restarts: a running
// one resumes from its cursor. Plain public properties so MikroORM can map the class directly.

import { DomainError } from '../errors.ts';

/**
 * What a session does: import everything, catch up since the cursor, compare everything, on
 * request, or link the existing tickets the project's sync rules want (backfill).
 */
export const syncSessionKinds = ['initial', 'incremental', 'reconcile', 'manual', 'backfill'] as const;
export type SyncSessionKind = (typeof syncSessionKinds)[number];

/** Session lifecycle. */
export const syncSessionStatuses = ['running', 'completed', 'failed'] as const;
export type SyncSessionStatus = (typeof syncSessionStatuses)[number];

/** What a session decided for one item and field (the dry-run plan, and the report). */
export interface PlanEntry {
  readonly action: 'create' | 'update' | 'push' | 'conflict' | 'unlink';
  readonly externalId: string | null;
  readonly ticketId: string | null;
  readonly field: string | null;
  /** Which way the change goes: into the hub, or out to the project. */
  readonly direction: 'inbound' | 'outbound';
}

/** The tally of one applied (or planned) item. */
export interface ItemOutcome {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly conflicts: number;
  readonly entries: readonly PlanEntry[];
}

/** Most errors and plan entries a session keeps (the counts stay exact). */
const keepAtMost = 500;

/** A sync session that was asked to do something it cannot. */
export class SyncSessionError extends DomainError {
  override readonly name = 'SyncSessionError';
}

/** One bounded sync operation with one project. */
export class SyncSession {
  id!: string;
  projectId!: string;
  kind!: SyncSessionKind;
  status!: SyncSessionStatus;
  dryRun!: boolean;
  /** Who started it: `api`, `scheduler`. */
  trigger!: string;
  created!: number;
  updated!: number;
  unchanged!: number;
  conflicts!: number;
  errors!: number;
  errorMessages!: string[];
  plan!: PlanEntry[];
  /** Where a fetch left off, so a session interrupted by a restart resumes there. */
  cursor!: string | null;
  /** Items looked at so far. */
  processed!: number;
  notes!: string[];
  startedAt!: Date;
  completedAt!: Date | null;

  /** A running session. */
  static start(input: { id: string; projectId: string; kind: SyncSessionKind; dryRun: boolean; trigger: string; cursor: string | null; nowMs: number }): SyncSession {
    const { nowMs, ...identity } = input;
    const session = new SyncSession();
    Object.assign(session, {
      ...identity,
      status: 'running',
      created: 0,
      updated: 0,
      unchanged: 0,
      conflicts: 0,
      errors: 0,
      errorMessages: [],
      plan: [],
      processed: 0,
      notes: [],
      startedAt: new Date(nowMs),
      completedAt: null,
    });
    return session;
  }

  /** Adds one item's outcome to the tally (and its entries to the plan of a dry run). */
  record(outcome: ItemOutcome): void {
    this.assertRunning();
    this.processed += 1;
    this.created += outcome.created;
    this.updated += outcome.updated;
    this.unchanged += outcome.unchanged;
    this.conflicts += outcome.conflicts;
    if (this.dryRun) this.plan.push(...outcome.entries.slice(0, Math.max(0, keepAtMost - this.plan.length)));
  }

  /** One item could not be synced; the session goes on. */
  recordError(message: string): void {
    this.assertRunning();
    this.errors += 1;
    if (this.errorMessages.length < keepAtMost) this.errorMessages.push(message);
  }

  /** Something worth telling whoever reads the report (e.g. a side that cannot be read). */
  note(message: string): void {
    if (!this.notes.includes(message)) this.notes.push(message);
  }

  /** Remembers how far the fetch got. */
  advance(cursor: string | null): void {
    this.assertRunning();
    this.cursor = cursor;
  }

  /** The session ran to its end. */
  complete(nowMs: number): void {
    this.assertRunning();
    this.status = 'completed';
    this.completedAt = new Date(nowMs);
  }

  /** The session could not go on (e.g. the project refused our credentials). */
  fail(message: string, nowMs: number): void {
    if (this.status !== 'running') return;
    this.recordError(message);
    this.status = 'failed';
    this.completedAt = new Date(nowMs);
  }

  private assertRunning(): void {
    if (this.status !== 'running') throw new SyncSessionError(`sync session ${this.id} is already ${this.status}`);
  }
}
