// Deliveries the README's business rules post to a project's webhook URL. ServiceNow cannot sign
// them, so they prove themselves with the project's webhook secret: `?secret=<webhookSecret>` or
// HTTP Basic whose password is the secret. A record delivery names the record and its
// `sys_mod_count` only; the engine then reads the record (`needsFetch`), so a delivery never
// carries stale field values, and its id (sys_id and sys_mod_count) is the same on every resend.
// A journal delivery (from the rule on sys_journal_field) carries one `comments` entry; work
// notes and other tables' entries are acknowledged and ignored.

import { createHash } from 'node:crypto';
import {
  InvalidDelivery,
  type ConnectionSettings,
  type ExternalComment,
  type ExternalItem,
  type InboundDelivery,
  type ParsedDelivery,
} from '#domain/project/connector.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { headerValue, verifyQuerySecret } from '#adapters/shared/signatures.ts';
import { deletionKeyOf, orderingKeyOf, recordUrl } from './items.ts';
import {
  glideMs,
  journalDeliverySchema,
  recordDeliverySchema,
  type JournalDelivery,
  type RecordDelivery,
} from './payloads.ts';
import { parseServiceNowConfig, type ServiceNowConfig } from './settings.ts';

/** The hub fields a record delivery leaves to the read of the record. */
export const fetchedFields: readonly FieldKey[] = ['title', 'description', 'status', 'priority', 'assignee'];

/** True when the delivery carries one of `secrets` as `?secret=` or as the password of HTTP Basic. */
export function verifyServiceNowDelivery(delivery: InboundDelivery, secrets: readonly string[]): boolean {
  const byQuery = verifyQuerySecret(delivery.query['secret'], secrets);
  const byBasic = verifyQuerySecret(basicPassword(headerValue(delivery.headers, 'authorization')), secrets);
  return byQuery || byBasic;
}

function basicPassword(header: string | undefined): string | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

/** The items and comments of a verified delivery; throws InvalidDelivery naming the problem. */
export function parseServiceNowDelivery(
  delivery: InboundDelivery,
  rawConfig: ConnectionSettings['config'],
): ParsedDelivery {
  const body = parseJsonBody(delivery.rawBody);
  const config = parseServiceNowConfig(rawConfig);
  const isJournal = typeof body === 'object' && body !== null && 'element_id' in body;
  if (isJournal) return journalDelivery(parseDeliveryBody(journalDeliverySchema, body), config);
  return recordDelivery(parseDeliveryBody(recordDeliverySchema, body), config);
}

function recordDelivery(body: RecordDelivery, config: ServiceNowConfig): ParsedDelivery {
  const deleted = body.operation === 'delete';
  const deliveryId = `servicenow:${body.sys_id}:${body.sys_mod_count}${deleted ? ':delete' : ''}`;
  if (body.table !== undefined && body.table !== config.table) return { deliveryId, items: [] };
  const observedAtMs = glideMs(body.sys_updated_on);
  if (observedAtMs === undefined) throw new InvalidDelivery('sys_updated_on: must be a real date-time');
  const item: ExternalItem = {
    externalId: body.sys_id,
    url: recordUrl(config.instanceUrl, config.table, body.sys_id),
    orderingKey: deleted ? deletionKeyOf(body.sys_mod_count) : orderingKeyOf(body.sys_mod_count),
    observedAtMs,
    fields: {},
    ...(deleted ? { deleted: true } : { needsFetch: fetchedFields }),
  };
  return { deliveryId, items: [item] };
}

function journalDelivery(body: JournalDelivery, config: ServiceNowConfig): ParsedDelivery {
  const operation = body.operation ?? 'insert';
  const digest = createHash('sha256')
    .update(`${body.value ?? ''}\u0000${body.reported_at ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  const deliveryId = `servicenow-journal:${body.sys_id}:${operation}:${digest}`;
  const otherTable = body.name !== undefined && body.name !== config.table;
  if (body.element !== 'comments' || otherTable) return { deliveryId, items: [] };
  const createdAtMs = glideMs(body.sys_created_on) ?? glideMs(body.reported_at);
  if (createdAtMs === undefined) throw new InvalidDelivery('sys_created_on: is required (yyyy-MM-dd HH:mm:ss)');
  const updatedAtMs = operation === 'insert' ? createdAtMs : (glideMs(body.reported_at) ?? createdAtMs);
  const comment: ExternalComment = {
    itemExternalId: body.element_id,
    externalId: body.sys_id,
    body: operation === 'delete' ? '' : (body.value ?? ''),
    ...(body.sys_created_by ? { author: body.sys_created_by } : {}),
    createdAtMs,
    updatedAtMs,
    ...(operation === 'delete' ? { deleted: true } : body.value === undefined ? { needsFetch: true } : {}),
  };
  return { deliveryId, items: [], comments: [comment] };
}
