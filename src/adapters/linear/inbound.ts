// Deliveries Linear posts to a project's webhook URL. Verified by `Linear-Signature` (hex
// HMAC-SHA256 of the raw body with the webhook secret) or `?secret=`, and, either way, refused when
// the body's `webhookTimestamp` is more than a minute from now (a replayed delivery), which the
// route answers 401. The delivery id is `Linear-Delivery` (a hash of the body when a proxy dropped
// it). Issue events give the whole issue; Comment events give the comment only, never moving the
// issue's ordering key; issues of other teams and other event types are acknowledged and ignored.

import { createHash } from 'node:crypto';
import type {
  ConnectionSettings,
  ExternalComment,
  ExternalItem,
  InboundDelivery,
  ParsedDelivery,
} from '#domain/project/connector.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { headerValue, verifyQuerySecret, verifySignatureHeader } from '#adapters/shared/signatures.ts';
import { itemFromWebhook, removalKeyOf } from './items.ts';
import { createLinearMapping, sameName } from './mapping.ts';
import { commentWebhookSchema, envelopeSchema, issueWebhookSchema } from './payloads.ts';
import { parseLinearConfig } from './settings.ts';

/** The header Linear signs deliveries in (bare lower-case hex). */
export const signatureHeaderName = 'linear-signature';

/** The header carrying Linear's delivery id. */
export const deliveryIdHeaderName = 'linear-delivery';

/** How far `webhookTimestamp` may be from now. */
export const maxClockSkewMs = 60_000;

const hexDigest = /^[0-9a-f]{64}$/i;

/** True when signed with one of `secrets` (header or `?secret=`) and sent within a minute of now. */
export function verifyLinearDelivery(
  delivery: InboundDelivery,
  secrets: readonly string[],
  nowMs: number = Date.now(),
): boolean {
  const header = headerValue(delivery.headers, signatureHeaderName)?.trim();
  const hex = header !== undefined && hexDigest.test(header) ? header : undefined;
  const signed = hex !== undefined && verifySignatureHeader(`sha256=${hex}`, delivery.rawBody, secrets);
  if (!signed && !verifyQuerySecret(delivery.query['secret'], secrets)) return false;
  return isFresh(delivery.rawBody, nowMs);
}

/** Whether the body's `webhookTimestamp` is a number within `maxClockSkewMs` of `nowMs`. */
function isFresh(rawBody: Uint8Array, nowMs: number): boolean {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(rawBody).toString('utf8'));
  } catch {
    return true; // not JSON: parseDelivery answers 400 naming the problem
  }
  const stamp = typeof body === 'object' && body !== null
    ? (body as { webhookTimestamp?: unknown }).webhookTimestamp
    : undefined;
  return typeof stamp === 'number' && Number.isFinite(stamp) && Math.abs(nowMs - stamp) <= maxClockSkewMs;
}

/** The items and comments of a verified delivery; throws InvalidDelivery naming the problem. */
export function parseLinearDelivery(
  delivery: InboundDelivery,
  rawConfig: ConnectionSettings['config'],
): ParsedDelivery {
  const json = parseJsonBody(delivery.rawBody);
  const envelope = parseDeliveryBody(envelopeSchema, json);
  const given = headerValue(delivery.headers, deliveryIdHeaderName)?.trim();
  const deliveryId = given
    ? `linear:${given}`
    : `linear-body:${createHash('sha256').update(delivery.rawBody).digest('hex')}`;
  const config = parseLinearConfig(rawConfig);
  if (envelope.type === 'Issue') return { deliveryId, items: issueItems(json, config) };
  if (envelope.type === 'Comment') return { deliveryId, items: [], comments: commentsOf(json, config.teamKey) };
  return { deliveryId, items: [] };
}

function issueItems(json: unknown, config: ReturnType<typeof parseLinearConfig>): ExternalItem[] {
  const body = parseDeliveryBody(issueWebhookSchema, json);
  const data = body.data;
  if (data.team && !sameName(data.team.key, config.teamKey)) return [];
  const actor = body.actor?.name ?? body.actor?.email;
  if (body.action === 'remove') {
    const at = Math.max(data.updatedAt, body.createdAt ?? 0);
    return [{
      externalId: data.id,
      ...(data.url === undefined ? {} : { url: data.url }),
      orderingKey: removalKeyOf(at),
      observedAtMs: at,
      ...(actor === undefined ? {} : { actor }),
      fields: {},
      deleted: true,
    }];
  }
  return [itemFromWebhook(data, createLinearMapping(config), actor)];
}

function commentsOf(json: unknown, teamKey: string): ExternalComment[] {
  const body = parseDeliveryBody(commentWebhookSchema, json);
  const data = body.data;
  const issueId = data.issueId ?? data.issue?.id;
  if (!issueId) return []; // a comment on a project update or document, not on an issue
  const team = data.issue?.team?.key;
  if (team !== undefined && !sameName(team, teamKey)) return [];
  const author = data.user?.name ?? data.user?.email;
  return [{
    itemExternalId: issueId,
    externalId: data.id,
    body: body.action === 'remove' ? '' : data.body,
    ...(author === undefined ? {} : { author }),
    createdAtMs: data.createdAt,
    updatedAtMs: body.action === 'remove' ? Math.max(data.updatedAt, body.createdAt ?? 0) : data.updatedAt,
    ...(body.action === 'remove' ? { deleted: true } : {}),
  }];
}
