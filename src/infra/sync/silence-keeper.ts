// Keeps an alert group's silence at its source in step with its ticket: after every change of an
// ALERT_GROUP ticket, each source project of the group that has silences configured gets exactly
// one silence of ours while the ticket is ACKNOWLEDGED and none once it is OPEN, RESOLVED or
// CLOSED. The source's own list decides (planSilences), so a redelivered event or a create whose
// answer was lost never makes a second silence; the silence kept is recorded on the group.
import type { AlertReport } from '#domain/alert/alert-report.ts';
import { commonLabels } from '#domain/alert/alert-group.ts';
import { AlertGroupRecord } from '#domain/alert/alert-group-record.ts';
import { AlertInstance } from '#domain/alert/alert-instance.ts';
import { planSilences, silenceMatters } from '#domain/alert/silence-plan.ts';
import { ExternalCallError, type SilenceChannel } from '#domain/project/connector.ts';
import { ExternalProject } from '#domain/project/external-project.ts';
import { integrationKinds, type IntegrationKind } from '#domain/project/kinds.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import type { Outcome } from '#infra/bus/durable-consumer.ts';
import type { Logger } from '#infra/logger.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { HubShape } from '#infra/services/hub-shape.ts';
import type { ProjectService } from '#infra/services/projects.ts';
import { recordSyncError } from './sync-errors.ts';

/** Brings the silences of one ticket's groups in step with it; safe to call again. */
export type SilenceKeeper = (ticketId: string, deliveryCount?: number) => Promise<Outcome>;

/** The keeper over `uow`, reaching sources through `projects`. */
export function createSilenceKeeper(uow: UnitOfWork, projects: ProjectService, shape: Pick<HubShape, 'hasSilenceSources'>, logger: Logger): SilenceKeeper {
  async function keep(channel: SilenceChannel, record: AlertGroupRecord, ticket: Ticket, labels: Record<string, string>): Promise<void> {
    const request = { ticketId: ticket.id, title: ticket.title, labels };
    const signal = AbortSignal.timeout(15_000);
    const plan = planSilences(ticket.status, await channel.find(request, signal));
    const created = plan.create ? await channel.create(request, signal) : null;
    for (const id of plan.expire) await channel.expire(id, signal);
    const kept = created ?? plan.keep;
    if (kept === record.silenceId) return;
    await uow.run(async (em) => {
      const row = await em.findOne(AlertGroupRecord, { id: record.id });
      if (row) row.silenceId = kept;
      return { result: undefined, events: [] };
    });
  }

  async function refuse(project: ExternalProject, ticketId: string, error: unknown): Promise<void> {
    const message = `silence: ${error instanceof Error ? error.message : String(error)}`;
    logger.warn({ projectId: project.id, ticketId, err: message }, 'silence not kept');
    await uow.run(async (em) => ({
      result: undefined,
      events: [
        recordSyncError(em, {
          projectId: project.id,
          ticketId,
          externalId: null,
          field: 'status',
          direction: 'outbound',
          message,
          deliveryId: `silence:${ticketId}`,
        }),
      ],
    }));
  }

  return async (ticketId, deliveryCount = 1) => {
    // Without a source that keeps silences (the usual hub), a ticket event has nothing to do here.
    if (!(await shape.hasSilenceSources())) return 'done';
    const em = uow.reader();
    const ticket = await em.findOne(Ticket, { id: ticketId });
    if (!ticket || ticket.kind !== 'alert_group' || !silenceMatters(ticket.status)) return 'done';
    const records = await em.find(AlertGroupRecord, { ticketId }, { orderBy: { id: 'asc' } });
    for (const record of records) {
      const project = await em.findOne(ExternalProject, { id: record.projectId });
      if (!project || !project.isSyncing()) continue;
      const { connector, settings } = projects.settingsOf(project);
      const channel = connector.silences?.(settings) ?? null;
      if (!channel) continue;
      // The labels the source groups by; without them, the labels every alert of the group shares.
      const members = record.groupLabels ? [] : await em.find(AlertInstance, { ticketId, projectId: project.id });
      const labels = record.groupLabels ?? commonLabels(members.map((member): AlertReport => member.report()));
      // No shared label: a silence would have no matchers and mute everything.
      if (Object.keys(labels).length === 0) continue;
      try {
        await keep(channel, record, ticket, labels);
      } catch (error) {
        if (error instanceof ExternalCallError && error.isTransient()) {
          return { retryInMs: Math.min(30_000, error.retryAfterMs ?? 250 * 2 ** Math.min(deliveryCount, 7)) };
        }
        await refuse(project, ticketId, error);
      }
    }
    return 'done';
  };
}

/** The kinds whose connector keeps silences (Alertmanager, Grafana). */
export function silenceKinds(projects: Pick<ProjectService, 'connectorOf'>): IntegrationKind[] {
  return integrationKinds.filter((kind) => {
    try {
      return projects.connectorOf(kind).silences !== undefined;
    } catch {
      return false; // a kind without a connector in this build
    }
  });
}
