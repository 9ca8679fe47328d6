// The Ticket aggregate: the hub's own record of a work item. Each field's current value lives in
// a plain property (so the database can filter on it) and its causal history in `registers` (one
// dotted multi-value register per field, persisted as one jsonb object). `clock` holds the
// ticket's dot counters and last HLC stamp. The class has plain public properties only, so MikroORM
// can map it directly and load it without calling a constructor.

import { ConflictMismatch, FieldHeldByConflict, InvalidTicketInput, InvalidVersionToken } from '../errors.ts';
import { Conflict, type ConflictCandidate, type ConflictStrategy } from '../conflict/conflict.ts';
import type { DomainEvent, FieldChange, TicketSnapshot } from '../events.ts';
import { jsonEquals, type JsonValue } from '../json.ts';
import { boundedRemote, hlcToIso, initialHlc, receive, tick, type Hlc } from '../merge/hlc.ts';
import {
  createRegister,
  hasSiblings,
  shownSibling,
  siblingOf,
  unseenSiblings,
  withConflict,
  writeRegister,
  type FieldRegister,
  type Origin,
  type Sibling,
} from '../merge/register.ts';
import { decodeVersion, encodeVersion } from '../merge/version-token.ts';
import { dominates, nextDot, withDot, type Dot, type ReplicaId, type VersionVector } from '../merge/version-vector.ts';
import {
  customFieldName,
  normaliseField,
  normalisePatch,
  ticketDefaults,
  type FieldKey,
  type Priority,
  type Privacy,
  type TicketInput,
  type TicketKind,
  type TicketPatch,
  type TicketStatus,
} from './fields.ts';

/** Per-ticket clock state: the highest dot issued per replica, and the last HLC stamp. */
export interface TicketClock {
  vector: VersionVector;
  hlc: Hlc;
}

/** Every field's register, keyed by field name (`customFields.<name>` for custom fields). */
export type TicketRegisters = Record<string, FieldRegister>;

/** Who writes and when; `replica` is the hub's own replica id. Ids and time come from outside. */
export interface WriteContext {
  readonly replica: ReplicaId;
  readonly actor: string;
  readonly nowMs: number;
  readonly newId: () => string;
}

/** A local edit, optionally based on the version the writer read. */
export interface EditContext extends WriteContext {
  readonly expectedVersion?: string;
}

/** What an edit produced: events for the outbox, conflicts to persist. */
export interface EditResult {
  readonly events: DomainEvent[];
  readonly conflicts: Conflict[];
}

/** A write that was issued: its dot, stamp and origin. */
export interface IssuedWrite {
  readonly dot: Dot;
  readonly at: Hlc;
  readonly origin: Origin;
}

/** The hub's record of a ticket, incident or alert group. */
export class Ticket {
  id!: string;
  kind!: TicketKind;
  privacy!: Privacy;
  title!: string;
  description!: string;
  status!: TicketStatus;
  priority!: Priority;
  assignee!: string | null;
  labels!: string[];
  customFields!: Record<string, JsonValue>;
  registers!: TicketRegisters;
  clock!: TicketClock;
  /** The replica that created the ticket: a project's id for an import, the hub's own id otherwise. */
  originReplica!: string | null;
  createdAt!: Date;
  updatedAt!: Date;

  /** A new ticket with every field at version (hub, 1); throws InvalidTicketInput. */
  static create(input: TicketInput, ctx: WriteContext): { ticket: Ticket; events: DomainEvent[] } {
    const values = normalisePatch({ ...ticketDefaults, ...input });
    if (!values.some(([field]) => field === 'title')) throw new InvalidTicketInput('title', 'is required');
    const ticket = new Ticket();
    ticket.id = ctx.newId();
    ticket.customFields = {};
    ticket.registers = {};
    ticket.clock = { vector: {}, hlc: initialHlc(ctx.replica) };
    ticket.originReplica = ctx.replica;
    ticket.createdAt = new Date(ctx.nowMs);
    const write = ticket.issue({ replica: ctx.replica, actor: ctx.actor }, ctx.nowMs);
    for (const [field, value] of values) ticket.store(field, createRegister(siblingOf(value, write)));
    const event: DomainEvent = {
      type: 'ticket.created',
      ticketId: ticket.id,
      at: hlcToIso(write.at),
      version: ticket.version,
      origin: write.origin,
      snapshot: ticket.snapshot(),
    };
    return { ticket, events: [event] };
  }

  /** Opaque token of everything this ticket has seen; pass it back as `expectedVersion`. */
  get version(): string {
    return encodeVersion(this.clock.vector);
  }

  /** The value the ticket shows for `field` (null for an unset custom field). */
  fieldValue(field: FieldKey): JsonValue {
    const register = this.registers[field];
    return register ? shownSibling(register).value : null;
  }

  /** The open conflict holding `field`, if any. */
  openConflictId(field: FieldKey): string | undefined {
    return this.registers[field]?.conflictId;
  }

  /** True while an open manual conflict holds `field`: its pushes wait for the resolution. */
  isHeld(field: FieldKey): boolean {
    return this.openConflictId(field) !== undefined;
  }

  /** The plain values and version, as carried by events. */
  snapshot(): TicketSnapshot {
    return structuredClone({
      id: this.id,
      version: this.version,
      kind: this.kind,
      privacy: this.privacy,
      title: this.title,
      description: this.description,
      status: this.status,
      priority: this.priority,
      assignee: this.assignee,
      labels: this.labels,
      customFields: this.customFields,
    });
  }

  /**
   * A local edit. Without `expectedVersion` it is based on the current state. With a stale one:
   * fields nobody changed since are applied, fields changed since to a different value become an
   * open Conflict, fields changed since to the same value are no-ops. Equal values emit nothing.
   */
  edit(patch: TicketPatch, ctx: EditContext): EditResult {
    const entries = normalisePatch(patch);
    const context = ctx.expectedVersion === undefined ? this.clock.vector : this.decodeExpected(ctx.expectedVersion);
    const applied: Array<[FieldKey, JsonValue]> = [];
    const conflicting: Array<[FieldKey, JsonValue]> = [];
    for (const [field, value] of entries) {
      const register = this.registers[field];
      if (register?.conflictId !== undefined) throw new FieldHeldByConflict(field, register.conflictId);
      if (register && jsonEquals(shownSibling(register).value, value)) continue;
      if (register && unseenSiblings(register, context).length > 0) conflicting.push([field, value]);
      else applied.push([field, value]);
    }
    if (applied.length === 0 && conflicting.length === 0) return { events: [], conflicts: [] };

    const before = this.clock.vector;
    const write = this.issue({ replica: ctx.replica, actor: ctx.actor }, ctx.nowMs);
    const changes: FieldChange[] = [];
    for (const [field, value] of applied) {
      const change = this.writeField(field, siblingOf(value, write), context);
      if (change) changes.push(change);
    }
    const events: DomainEvent[] = [];
    if (changes.length > 0) events.push(this.updatedEvent(changes, write.at));
    const conflicts = conflicting.map(([field, value]) => {
      const register = this.registers[field] as FieldRegister;
      const held = { sibling: shownSibling(register), version: before };
      const mine = { sibling: siblingOf(value, write), version: withDot(context, write.dot) };
      this.registers[field] = writeRegister(register, mine.sibling, context);
      return this.openConflict(field, [held, mine], { projectId: null, strategy: 'manual', ...ctx });
    });
    for (const conflict of conflicts) events.push(this.detectedEvent(conflict));
    return { events, conflicts };
  }

  /**
   * Settles an open conflict on this ticket with `value`: a hub write whose version dominates every
   * candidate. Emits ticket.updated when the shown value changes, and conflict.resolved.
   */
  resolveConflict(conflict: Conflict, value: unknown, ctx: Omit<WriteContext, 'newId'>): { events: DomainEvent[] } {
    conflict.assertOpen();
    if (conflict.ticketId !== this.id || this.openConflictId(conflict.field) !== conflict.id) {
      throw new ConflictMismatch(conflict.id, this.id);
    }
    const field = conflict.field;
    const resolved = normaliseField(field, value);
    const write = this.issue({ replica: ctx.replica, actor: ctx.actor }, ctx.nowMs);
    const change = this.writeField(field, siblingOf(resolved, write), this.clock.vector);
    conflict.resolve({ value: resolved, by: ctx.actor, at: hlcToIso(write.at), version: this.version });
    const events: DomainEvent[] = [];
    if (change) events.push(this.updatedEvent([change], write.at));
    events.push({
      type: 'conflict.resolved',
      ticketId: this.id,
      at: hlcToIso(write.at),
      conflictId: conflict.id,
      projectId: conflict.projectId,
      field,
      value: resolved,
      by: ctx.actor,
      version: this.version,
    });
    return { events };
  }

  /** Issues the next dot of `origin.replica`, stamped after everything seen (and after `remote`). */
  issue(origin: Origin, nowMs: number, remote?: Hlc): IssuedWrite {
    const dot = nextDot(this.clock.vector, origin.replica);
    const hub = this.clock.hlc.node;
    const next = remote ? receive(this.clock.hlc, remote, nowMs, hub) : tick(this.clock.hlc, nowMs, hub);
    this.clock = { vector: withDot(this.clock.vector, dot), hlc: next };
    this.updatedAt = new Date(Math.max(nowMs, this.createdAt.getTime()));
    const at = remote ? boundedRemote(remote, nowMs) : { wall: next.wall, logical: next.logical, node: origin.replica };
    return { dot, at, origin };
  }

  /** DVV write of `sibling` seen from `context`; updates the shown value; returns the change, if any. */
  writeField(field: FieldKey, sibling: Sibling, context: VersionVector): FieldChange | undefined {
    const register = this.registers[field];
    const from = this.fieldValue(field);
    const next = register ? writeRegister(register, sibling, context) : createRegister(sibling);
    this.store(field, hasSiblings(next) ? next : withConflict(next, undefined));
    const to = this.fieldValue(field);
    return jsonEquals(from, to) ? undefined : { field, from, to, origin: sibling.origin };
  }

  /** Replaces `field`'s whole register (a peer hub's state merged in) and updates the shown value. */
  setRegister(field: FieldKey, register: FieldRegister): void {
    this.store(field, register);
  }

  /** Opens a conflict over `field` with the given candidates and records it on the register. */
  openConflict(
    field: FieldKey,
    candidates: ReadonlyArray<{ sibling: Sibling; version: VersionVector }>,
    ctx: { projectId: string | null; strategy: ConflictStrategy; nowMs: number; newId: () => string },
  ): Conflict {
    const conflict = Conflict.open({
      id: ctx.newId(),
      ticketId: this.id,
      projectId: ctx.projectId,
      field,
      candidates: candidates.map((c) => candidateOf(c.sibling, c.version)),
      strategy: ctx.strategy,
      detectedAt: new Date(ctx.nowMs),
    });
    this.registers[field] = withConflict(this.registers[field] as FieldRegister, conflict.id);
    return conflict;
  }

  /** The `ticket.updated` event for `changes`, at the ticket's current version. */
  updatedEvent(changes: readonly FieldChange[], at: Hlc): DomainEvent {
    return { type: 'ticket.updated', ticketId: this.id, at: hlcToIso(at), version: this.version, changes };
  }

  /** The `conflict.detected` event for `conflict`. */
  detectedEvent(conflict: Conflict): DomainEvent {
    const at = conflict.detectedAt.toISOString();
    return { type: 'conflict.detected', ticketId: this.id, at, conflictId: conflict.id, projectId: conflict.projectId, field: conflict.field };
  }

  private decodeExpected(token: string): VersionVector {
    const expected = decodeVersion(token);
    if (!dominates(this.clock.vector, expected)) throw new InvalidVersionToken('not a version of this ticket');
    return expected;
  }

  private store(field: FieldKey, register: FieldRegister): void {
    this.registers[field] = register;
    const value = shownSibling(register).value;
    const custom = customFieldName(field);
    if (custom !== undefined) {
      this.customFields = { ...this.customFields, [custom]: value };
      return;
    }
    switch (field) {
      case 'title':
      case 'description':
        this[field] = value as string;
        return;
      case 'status':
        this.status = value as TicketStatus;
        return;
      case 'priority':
        this.priority = value as Priority;
        return;
      case 'privacy':
        this.privacy = value as Privacy;
        return;
      case 'kind':
        this.kind = value as TicketKind;
        return;
      case 'assignee':
        this.assignee = value as string | null;
        return;
      case 'labels':
        this.labels = [...(value as string[])];
        return;
      default:
        throw new Error(`unknown field ${field satisfies FieldKey}`);
    }
  }
}

/** A conflict candidate for `sibling`, whose writer had seen `version`. */
export function candidateOf(sibling: Sibling, version: VersionVector): ConflictCandidate {
  return {
    value: sibling.value,
    origin: sibling.origin,
    version: encodeVersion(withDot(version, sibling.dot)),
    at: hlcToIso(sibling.at),
    hlc: sibling.at,
    dot: sibling.dot,
  };
}
