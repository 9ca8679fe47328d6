// What peer hubs send each other, parsed with zod at the edge: a ticket's register state
// (src/domain/sync/peer-state.ts) with a delivery id. Used by webhook deliveries, twin creation
// and the changes feed alike. Comments travel on their own (peerCommentSchema).
import { z } from 'zod';
import type { JsonValue } from '#domain/json.ts';
import type { PeerTicketState } from '#domain/sync/peer-state.ts';
import { conflictStrategies } from '#domain/conflict/conflict.ts';

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

const vector = z.record(z.string(), z.number().int().nonnegative());

const siblingSchema = z.object({
  value: jsonValue,
  dot: z.object({ replica: z.string().min(1), counter: z.number().int().positive() }),
  at: z.object({ wall: z.number(), logical: z.number().int().nonnegative(), node: z.string() }),
  origin: z.object({ replica: z.string().min(1), actor: z.string().optional() }),
});

/** A ticket's state from a peer. */
export const peerStateSchema = z.object({
  from: z.string().min(1),
  ticketId: z.string().min(1),
  context: vector,
  fields: z.record(z.string(), z.object({ siblings: z.array(siblingSchema), strategy: z.enum(conflictStrategies) })),
});

/** A pushed state, as posted to the peer's webhook URL or its twin endpoint. */
export const peerDeliverySchema = z.object({ deliveryId: z.string().min(1), state: peerStateSchema });

/** A page of the changes feed. */
export const peerChangesSchema = z.object({
  states: z.array(peerStateSchema),
  cursor: z.string().nullable(),
  done: z.boolean(),
});

/** The answer to a twin creation. */
export const twinAnswerSchema = z.object({ externalId: z.string().min(1) });

/**
 * A comment from a peer, posted to its peer API (`POST /api/peering/:projectId/comments`): the
 * sender's ticket and comment ids, the text and when it was written; `deleted` withdraws it.
 */
export const peerCommentSchema = z.object({
  deliveryId: z.string().min(1),
  ticketId: z.string().min(1),
  commentId: z.string().min(1),
  body: z.string(),
  author: z.string().min(1),
  createdAtMs: z.number().int().nonnegative(),
  updatedAtMs: z.number().int().nonnegative(),
  deleted: z.boolean().default(false),
});

/** The answer to a comment: the receiving hub's id for it (null once deleted there) and its text. */
export const peerCommentAnswerSchema = z.object({ externalId: z.string().min(1).nullable(), body: z.string() });

/** Narrows a parsed state to the domain type (optional `actor` kept only when present). */
export function toPeerState(parsed: z.infer<typeof peerStateSchema>): PeerTicketState {
  return parsed as PeerTicketState;
}
