// `unlinkTicket`: stops syncing one ticket with one project. Editors may, as they may link: the
// item stays where it is, the ticket's history names who unlinked it, and `linkTicket` with the
// item's externalId links it again.
import type { Ticket } from '#domain/ticket/ticket.ts';
import { builder } from './builder.ts';
import { TicketRef } from './tickets.ts';

const UnlinkTicketInput = builder.inputType('UnlinkTicketInput', {
  fields: (t) => ({
    ticketId: t.id({ required: true }),
    projectId: t.id({ required: true }),
  }),
});

const UnlinkTicketPayload = builder.objectRef<{ ticket: Ticket }>('UnlinkTicketPayload').implement({
  fields: (t) => ({ ticket: t.field({ type: TicketRef, resolve: (payload) => payload.ticket }) }),
});

builder.mutationField('unlinkTicket', (t) =>
  t.field({
    type: UnlinkTicketPayload,
    description:
      'Stops syncing the ticket with the project: nothing more is pushed, deliveries about the item are ignored, and sync rules do not link it again.',
    args: { input: t.arg({ type: UnlinkTicketInput, required: true }) },
    resolve: async (_root, { input }, { services, caller }) => ({
      ticket: await services.links.unlink(String(input.ticketId), String(input.projectId), caller.name),
    }),
  }),
);
