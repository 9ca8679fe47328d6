// Deliveries a generic webhook sender POSTs to the project's webhook URL: verified against the
// project's secrets, then parsed into one ExternalItem carrying hub values. Anyone who can reach
// the URL can send anything, so the body is parsed strictly (wrong types, unknown enum values and
// bad timestamps are refused with a message naming the field) but leniently where it costs
// nothing: unknown keys are ignored and enum values are accepted in either spelling and any case.

import { z } from 'zod';
import { InvalidDelivery, type ExternalItem, type InboundDelivery, type ParsedDelivery } from '#domain/project/connector.ts';
import { InvalidTicketInput } from '#domain/errors.ts';
import type { JsonValue } from '#domain/json.ts';
import { mirroredFields, normaliseField, type FieldKey } from '#domain/ticket/fields.ts';
import { expected, parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { verifySignedDelivery } from '#adapters/shared/signatures.ts';
import { priorityFromWire, signatureHeaderName, statusFromWire } from './wire.ts';

const isoTimestamp = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** True for an ISO 8601 date-time with a time zone that names a real instant. */
export function isIsoTimestamp(value: string): boolean {
  const match = isoTimestamp.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.parse rolls 2026-02-30 over into March; a calendar check refuses it.
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function enumOf(name: string, fromWire: (value: string) => string | undefined) {
  return z.string({ error: expected('a string') }).transform((value, ctx) => {
    const known = fromWire(value);
    if (known === undefined) {
      ctx.issues.push({ code: 'custom', message: `unknown ${name} ${JSON.stringify(value)}`, input: value });
      return z.NEVER;
    }
    return known;
  });
}

const fieldsSchema = z.object(
  {
    title: z.string({ error: expected('a string') }).optional(),
    description: z.string({ error: expected('a string') }).optional(),
    status: enumOf('status', statusFromWire).optional(),
    priority: enumOf('priority', priorityFromWire).optional(),
    assignee: z.string({ error: expected('a string or null') }).nullable().optional(),
    labels: z.array(z.string({ error: expected('a string') }), { error: expected('a list of strings') }).optional(),
  },
  { error: expected('an object') },
);

const bodySchema = z.object({
  deliveryId: z.string({ error: expected('a non-empty string') }).min(1, { error: 'must not be empty' }).max(200),
  externalId: z.string({ error: expected('a non-empty string') }).min(1, { error: 'must not be empty' }).max(200),
  updatedAt: z.string({ error: expected('an ISO 8601 timestamp') }).refine(isIsoTimestamp, { error: 'must be an ISO 8601 timestamp' }),
  fields: fieldsSchema,
});

/** True when the delivery is signed with one of `secrets` or carries `?secret=` matching one. */
export function verifyGenericDelivery(delivery: InboundDelivery, secrets: readonly string[]): boolean {
  return verifySignedDelivery(delivery, signatureHeaderName, secrets);
}

/** The delivery's one item, in hub values; throws InvalidDelivery naming the problem. */
export function parseGenericDelivery(delivery: InboundDelivery): ParsedDelivery {
  const body = parseDeliveryBody(bodySchema, parseJsonBody(delivery.rawBody));
  const observedAtMs = Date.parse(body.updatedAt);
  const fields: Partial<Record<FieldKey, JsonValue>> = {};
  for (const field of mirroredFields) {
    const value = body.fields[field];
    if (value === undefined) continue;
    try {
      fields[field] = normaliseField(field, value);
    } catch (error) {
      if (error instanceof InvalidTicketInput) throw new InvalidDelivery(`fields.${error.message}`);
      throw error;
    }
  }
  const item: ExternalItem = {
    externalId: body.externalId,
    // Normalised to UTC with millisecond precision, so keys from any sender sort as instants.
    orderingKey: new Date(observedAtMs).toISOString(),
    observedAtMs,
    fields,
  };
  return { deliveryId: body.deliveryId, items: [item] };
}
