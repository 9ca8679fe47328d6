// The generic webhook's wire format, in one place for the connector and its simulator: header
// names, event names, the body Lockstep POSTs to `targetUrl`, and the spelling of enum values.
// Outbound values use the public GraphQL spelling (`IN_PROGRESS`, `P1`) because that is how
// people integrating with Lockstep already know them; inbound accepts either spelling in any case.

import { z } from 'zod';
import type { JsonValue } from '#domain/json.ts';
import { mirroredFields, priorities, type FieldKey, ticketStatuses, type MirroredField, type Priority, type TicketStatus } from '#domain/ticket/fields.ts';

/** Carries `sha256=<hex HMAC-SHA256 of the raw body>`, both directions. */
export const signatureHeaderName = 'x-lockstep-signature';

/** Carries the outbound delivery id (also in the body), so receivers can drop repeats cheaply. */
export const deliveryHeaderName = 'x-lockstep-delivery';

/** Outbound events. */
export const webhookEvents = ['ticket.created', 'ticket.updated'] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

/** The ticket as it goes out: its id and the mirrored fields the snapshot holds. */
export type WireTicket = { id: string } & { [field: string]: JsonValue };

/** The body of an outbound POST. */
export type OutboundBody = {
  deliveryId: string;
  event: WebhookEvent;
  externalId: string | null;
  ticket: WireTicket;
};

/** The outbound body as a receiver (the simulator) parses it. */
export const outboundBodySchema = z.object({
  deliveryId: z.string().min(1),
  event: z.enum(webhookEvents),
  externalId: z.string().min(1).nullable(),
  ticket: z.looseObject({ id: z.string().min(1) }),
});

/**
 * The outgoing ticket: id, then the mirrored fields of the hub snapshot overlaid with the changed
 * values. Fields the snapshot leaves out (unmapped, redacted) stay out; enums are upper-cased.
 */
export function toWireTicket(
  ticketId: string,
  snapshot: Readonly<Record<string, JsonValue>>,
  changed: Readonly<Partial<Record<FieldKey, JsonValue>>>,
): WireTicket {
  const ticket: WireTicket = { id: ticketId };
  for (const field of mirroredFields) {
    // `in`, not `??`: a change to null (assignee cleared) must win over the snapshot.
    const value = Object.hasOwn(changed, field) ? changed[field] : snapshot[field];
    if (value !== undefined) ticket[field] = toWireValue(field, value);
  }
  return ticket;
}

/** A hub value of `field` in the wire spelling (enums upper-cased, everything else unchanged). */
export function toWireValue(field: MirroredField, value: JsonValue): JsonValue {
  if ((field === 'status' || field === 'priority') && typeof value === 'string') return value.toUpperCase();
  return value;
}

/** The hub status a wire value names (`IN_PROGRESS`, `in_progress`, `In_Progress`), or undefined. */
export function statusFromWire(value: string): TicketStatus | undefined {
  return lookup(ticketStatuses, value);
}

/** The hub priority a wire value names (`P1`, `p1`), or undefined. */
export function priorityFromWire(value: string): Priority | undefined {
  return lookup(priorities, value);
}

function lookup<T extends string>(values: readonly T[], value: string): T | undefined {
  const lower = value.trim().toLowerCase();
  return values.find((candidate) => candidate === lower);
}
