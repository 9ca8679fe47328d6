// Alerts in GraphQL: `AlertStatus`, `AlertInstance` and `Ticket.alerts`, the member alerts of an
// ALERT_GROUP ticket as its monitoring sources last reported them, newest first.
import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { AlertInstance } from '#domain/alert/alert-instance.ts';
import { alertStatuses } from '#domain/alert/alert-report.ts';
import type { Ticket } from '#domain/ticket/ticket.ts';
import { builder } from './builder.ts';
import { loadersOf } from './loaders.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { BadInputError } from './errors.ts';
import { ExternalProjectRef } from './projects.ts';
import { TicketRef } from './tickets.ts';

export const AlertStatusEnum = builder.enumType('AlertStatus', {
  description: 'Whether the source says the alert is firing or has resolved.',
  values: Object.fromEntries(alertStatuses.map((status) => [status.toUpperCase(), { value: status }])),
});

export const AlertInstanceRef = builder.objectRef<AlertInstance>('AlertInstance').implement({
  description: "One alert of an alert-group ticket, as its source's newest notification about it says.",
  fields: (t) => ({
    id: t.exposeID('id'),
    fingerprint: t.exposeString('fingerprint', {
      description: "The source's identity of the alert (or a hash of its sorted labels).",
    }),
    name: t.exposeString('name'),
    status: t.field({ type: AlertStatusEnum, resolve: (alert) => alert.status }),
    severity: t.exposeString('severity', { nullable: true, description: 'As the source spells it.' }),
    summary: t.exposeString('summary', { nullable: true }),
    labels: t.field({ type: 'JSON', description: 'An object: label name -> value.', resolve: (alert) => alert.labels }),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', nullable: true, description: 'Null while firing.' }),
    generatorUrl: t.exposeString('generatorUrl', { nullable: true, description: 'A link back to the source.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the hub last heard of the alert.' }),
    project: t.field({
      type: ExternalProjectRef,
      description: 'The monitoring source that reported it.',
      resolve: (alert, _args, context) => loadersOf(context).project.load(alert.projectId),
    }),
  }),
});

builder.objectField(TicketRef, 'alerts', (t) =>
  t.connection({
    type: AlertInstanceRef,
    description: 'The alerts of an alert group, newest first (empty for other tickets).',
    complexity: (args) => ({ field: 1, multiplier: Math.min(args.first ?? 20, 100) }),
    resolve: (ticket: Ticket, args, context) => {
      if (args.last != null || args.before != null) throw new BadInputError('alerts: page forwards with first/after');
      if ((args.first ?? 0) > 100) throw new BadInputError('first: at most 100');
      return resolveCursorConnection<Promise<AlertInstance[]>>(
        {
          args,
          toCursor: (alert: AlertInstance) => encodeCursor(alert.startsAt, alert.id),
          defaultSize: 20,
          maxSize: 100,
        },
        ({ after, limit }) =>
          loadersOf(context).alertsOfTicket.load({ id: ticket.id, page: { ...(after ? { after: decodeCursor(after) } : {}), limit } }),
      );
    },
  }),
);
