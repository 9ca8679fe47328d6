// Applies a delivery's alerts in the transaction that marks it processed: per group (locked, in key
// order) the domain folds the reports, the Ticket aggregate takes the changes with the source as
// origin (history, subscriptions, pushes follow), and alerts are kept. Routes are sync rules of
// their targets: the rule linker acts on the group's ticket events (rule-linker.ts).
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  stepAlertGroup,
  type AlertGroupState,
  type GroupPatch,
  type NewGroupTicket,
} from '#domain/alert/alert-group.ts';
import { AlertGroupRecord } from '#domain/alert/alert-group-record.ts';
import { AlertInstance } from '#domain/alert/alert-instance.ts';
import type { AlertPolicy } from '#domain/alert/alert-policy.ts';
import type { AlertReport } from '#domain/alert/alert-report.ts';
import type { DomainEvent } from '#domain/events.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import { futureDated } from '#domain/sync/clock-bound.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import { insertLater } from '#infra/persistence/deferred-writes.ts';
import { AuditEntry } from '#infra/persistence/sync-records.ts';
import { newHubId } from '#infra/services/ids.ts';
import { auditOf } from './apply-support.ts';
import type { EngineEvent } from './engine-events.ts';
import { planTicketPushes } from './push-planner.ts';
import { recordSyncError } from './sync-errors.ts';

type Events = Array<DomainEvent | EngineEvent>;

/** Where the alerts came from. */
export interface ApplyAlertsContext {
  readonly deliveryId: string;
}

/** The group's bookkeeping row, created when missing, locked for the rest of the transaction. */
async function lockGroup(em: EntityManager, projectId: string, groupKey: string): Promise<AlertGroupRecord> {
  const now = new Date();
  // Concurrent first deliveries of a group: one insert wins, the others wait for it and find its row.
  await em.execute(
    `insert into alert_groups (id, project_id, group_key, created_at, updated_at) values (?, ?, ?, ?, ?)
     on conflict (project_id, group_key) do nothing`,
    [newHubId(), projectId, groupKey, now, now],
  );
  const record = await em.findOne(
    AlertGroupRecord,
    { projectId, groupKey },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
  );
  if (!record) throw new Error(`alert group ${groupKey} vanished inside its transaction`);
  return record;
}

/** One group's episode while its reports are folded. */
class EpisodeWork {
  ticket: Ticket | null;
  members: Map<string, AlertInstance>;
  /** Tickets whose fields changed, for push planning. */
  readonly changed = new Map<string, Ticket>();
  private readonly em: EntityManager;
  private readonly project: ExternalProject;
  private readonly record: AlertGroupRecord;

  constructor(
    em: EntityManager,
    project: ExternalProject,
    record: AlertGroupRecord,
    ticket: Ticket | null,
    members: AlertInstance[],
  ) {
    this.em = em;
    this.project = project;
    this.record = record;
    this.ticket = ticket;
    this.members = new Map(members.map((member) => [member.fingerprint, member]));
  }

  private get origin() {
    return { replica: this.project.id, actor: this.project.name, nowMs: Date.now(), newId: newHubId };
  }

  open(fields: NewGroupTicket, events: Events): void {
    const created = Ticket.create({ ...fields, kind: 'alert_group' }, this.origin);
    this.em.persist(created.ticket);
    events.push(...created.events);
    this.ticket = created.ticket;
    this.members = new Map();
  }

  /** Applies `patch` through the aggregate; fields held by an open conflict wait for its resolution. */
  change(patch: GroupPatch, applied: DomainEvent[]): void {
    const ticket = this.ticket;
    if (!ticket) return;
    const free = Object.fromEntries(
      Object.entries(patch).filter(([field]) => !ticket.isHeld(field as 'status' | 'priority')),
    );
    if (Object.keys(free).length === 0) return;
    const result = ticket.edit(free, this.origin);
    if (result.events.length > 0) this.changed.set(ticket.id, ticket);
    applied.push(...result.events);
  }

  hold(report: AlertReport): void {
    const ticket = this.ticket;
    if (!ticket) return;
    const member = this.members.get(report.fingerprint);
    if (member) {
      member.hold(report, Date.now());
      return;
    }
    const ids = { id: newHubId(), projectId: this.project.id, groupId: this.record.id, ticketId: ticket.id };
    const created = AlertInstance.of(report, ids, Date.now());
    this.em.persist(created);
    this.members.set(report.fingerprint, created);
  }

  /** `state` with the episode showing the ticket's actual status and priority. */
  actual(state: AlertGroupState): AlertGroupState {
    if (!state.episode || !this.ticket) return state;
    return { ...state, episode: { ...state.episode, status: this.ticket.status, priority: this.ticket.priority } };
  }
}

/** Folds `reports` (one group's, in delivery order) into the group's tickets. */
async function applyGroup(
  em: EntityManager,
  project: ExternalProject,
  groupKey: string,
  reports: readonly AlertReport[],
  policy: AlertPolicy,
  ctx: ApplyAlertsContext,
  events: Events,
) {
  const record = await lockGroup(em, project.id, groupKey);
  const ticket = record.ticketId
    ? await em.findOne(Ticket, { id: record.ticketId }, { lockMode: LockMode.PESSIMISTIC_WRITE })
    : null;
  const members = ticket ? await em.find(AlertInstance, { ticketId: ticket.id }) : [];
  const work = new EpisodeWork(em, project, record, ticket, members);
  let state = record.state(ticket, members);
  const applied: DomainEvent[] = [];
  for (const report of reports) {
    if (report.groupLabels && Object.keys(report.groupLabels).length > 0) record.groupLabels = { ...report.groupLabels };
    const step = stepAlertGroup(state, report, policy);
    if (step.kind === 'ignored') continue;
    if (step.kind === 'opened') work.open(step.ticket, events);
    if (step.kind === 'updated') work.change(step.patch, applied);
    if (step.kind !== 'remembered') work.hold(report);
    state = work.actual(step.next);
  }
  record.record(state, work.ticket?.id ?? null, Date.now());
  await insertLater(em, AuditEntry, auditOf(applied, project.id, ctx.deliveryId));
  events.push(...applied);
  for (const changed of work.changed.values()) {
    const mappings = await em.find(
      SyncMapping,
      { ticketId: changed.id, status: 'linked' },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
    );
    events.push(...(await planTicketPushes(em, changed, mappings)));
  }
}

/** Applies the `alerts` of one delivery from `project` under `policy`; events to commit are appended to `events`. */
export async function applyAlerts(
  em: EntityManager,
  project: ExternalProject,
  alerts: readonly AlertReport[],
  policy: AlertPolicy,
  ctx: ApplyAlertsContext,
  events: Events,
): Promise<void> {
  const byGroup = new Map<string, AlertReport[]>();
  for (const alert of alerts) {
    // A report dated ahead would make the alert's later real notifications look stale: refused, visibly.
    const future = futureDated({ observedAtMs: alert.observedAtMs, orderingKey: alert.observedAtMs }, Date.now());
    if (future) {
      const message = `alert ${alert.fingerprint} of group ${alert.groupKey} ${future}`;
      const error = {
        projectId: project.id,
        ticketId: null,
        externalId: null,
        field: null,
        direction: 'inbound' as const,
      };
      events.push(recordSyncError(em, { ...error, message, deliveryId: ctx.deliveryId }));
      continue;
    }
    byGroup.set(alert.groupKey, [...(byGroup.get(alert.groupKey) ?? []), alert]);
  }
  // The alerts of one notification are simultaneous: taken in source-time order (a stable sort).
  for (const reports of byGroup.values()) reports.sort((a, b) => a.observedAtMs - b.observedAtMs);
  // Groups in key order, so transactions over overlapping groups queue instead of deadlocking.
  for (const groupKey of [...byGroup.keys()].sort()) {
    await applyGroup(em, project, groupKey, byGroup.get(groupKey) ?? [], policy, ctx, events);
  }
}
