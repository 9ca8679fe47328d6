// Calls to ServiceNow for one connected project, through the Table API (client.ts). An outbound
// change is one PATCH carrying only the changed fields (plus a look-up of the assignee's sys_user,
// remembered for the session); a create is one POST that marks the record as ours with
// `correlation_id` = the ticket id and `correlation_display` = "Lockstep", which is how a retried
// create finds the record an attempt whose answer was lost already made. Polling pages through
// the table by `sys_updated_on` (cursor.ts), within the configured assignment group if any.

import {
  ExternalCallError,
  type ConnectorSession,
  type OutboundRequest,
  type OutboundResult,
} from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import { createTableClient, queryValue, type ServiceNowClientOptions } from './client.ts';
import { openServiceNowComments } from './comments.ts';
import { decodeCursor, encodeCursor, nextPosition, pageQuery } from './cursor.ts';
import { itemFromRecord, orderingKeyOf, recordFields, recordUrl } from './items.ts';
import { createServiceNowMapping } from './mapping.ts';
import { oneRecordSchema, recordListSchema, type TableRecord } from './payloads.ts';
import type { ServiceNowConfig, ServiceNowCredentials } from './settings.ts';
import { createDirectory } from './users.ts';

/** Session tuning. */
export interface ServiceNowSessionOptions extends ServiceNowClientOptions {
  /** Records per polling page. */
  readonly pageSize?: number;
}

/** What Lockstep writes in `correlation_display` of the records it creates. */
export const correlationDisplay = 'Lockstep';

const createdFields = ['title', 'description', 'status', 'priority', 'assignee'] as const;

/** A session calling ServiceNow for the project `config` describes. */
export function openServiceNowSession(
  config: ServiceNowConfig,
  credentials: ServiceNowCredentials,
  options: ServiceNowSessionOptions = {},
): ConnectorSession {
  const client = createTableClient(config.instanceUrl, credentials, options);
  const mapping = createServiceNowMapping(config);
  const directory = createDirectory(client);
  const pageSize = options.pageSize ?? 100;
  const where = { instanceUrl: config.instanceUrl, table: config.table };
  const item = (record: TableRecord) => itemFromRecord(record, mapping, where, Date.now());

  /** The fields to write for `changed`, the assignee resolved to its sys_id. */
  async function writeBody(changed: Partial<Record<FieldKey, JsonValue>>, ticketId: string, signal?: AbortSignal) {
    const out = mapping.toServiceNow(changed, ticketId);
    const body: Record<string, string> = { ...out.fields };
    if (out.assignee === null) body['assigned_to'] = '';
    else if (out.assignee !== undefined) body['assigned_to'] = await directory.userId(out.assignee, signal);
    return { body, reported: out.reported };
  }

  function result(record: TableRecord, reported: Partial<Record<FieldKey, JsonValue>>): OutboundResult {
    return {
      externalId: record.sys_id,
      url: recordUrl(config.instanceUrl, config.table, record.sys_id),
      ...(/^\d+$/.test(record.sys_mod_count ?? '') ? { orderingKey: orderingKeyOf(Number(record.sys_mod_count)) } : {}),
      ...(Object.keys(reported).length > 0 ? { reportedValues: reported } : {}),
      // The write's answer is the whole record after it (the same fields a read asks for).
      state: item(record),
    };
  }

  async function scope(signal?: AbortSignal): Promise<string> {
    return config.assignmentGroup ? `assignment_group=${await directory.groupId(config.assignmentGroup, signal)}` : '';
  }

  return {
    comments: openServiceNowComments(client, config.table),

    async testConnection(signal) {
      // Reading one record proves the table exists and can be read; writing that record's own
      // short description back proves write access without changing anything (ServiceNow skips
      // an update that changes no value: no sys_mod_count, no business rules).
      const one = { fields: ['sys_id', 'short_description'], limit: 1 };
      const page = await client.list(config.table, recordListSchema, one, signal);
      const first = page.result[0];
      if (first) {
        const unchanged = { short_description: first.short_description ?? '' };
        await client.patch(config.table, first.sys_id, unchanged, oneRecordSchema, ['sys_id'], signal);
      }
      await scope(signal);
    },

    async fetchChanges(cursor, signal) {
      const position = decodeCursor(cursor);
      const query = pageQuery(position, await scope(signal));
      const read = { query, fields: recordFields, limit: pageSize, offset: position.skip };
      const page = await client.list(config.table, recordListSchema, read, signal);
      const stamps = page.result.map((record) => record.sys_updated_on ?? '');
      const next = nextPosition(position, stamps, page.result.length >= pageSize);
      return { items: page.result.map(item), cursor: encodeCursor(next.position), done: next.done };
    },

    async fetchItem(externalId, signal) {
      try {
        return item((await client.get(config.table, externalId, oneRecordSchema, recordFields, signal)).result);
      } catch (error) {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
        throw error;
      }
    },

    async createItem(request: OutboundRequest): Promise<OutboundResult> {
      const values: Partial<Record<FieldKey, JsonValue>> = {};
      for (const field of createdFields) {
        const value = request.changed[field] ?? request.ticket[field];
        if (value !== undefined) values[field] = value;
      }
      const { body, reported } = await writeBody(values, request.ticketId, request.signal);
      // A new record starts empty: empty values are left out.
      for (const [key, value] of Object.entries(body)) {
        if (value === '' && key !== 'short_description') delete body[key];
      }
      const group = config.assignmentGroup;
      if (group) body['assignment_group'] = await directory.groupId(group, request.signal);
      if (request.retry) {
        const mine = { query: `correlation_id=${queryValue(request.ticketId)}`, fields: recordFields, limit: 1 };
        const lost = await client.list(config.table, recordListSchema, mine, request.signal);
        const found = lost.result[0];
        if (found) return result(found, reported);
      }
      const created = await client.create(
        config.table,
        { ...body, correlation_id: request.ticketId, correlation_display: correlationDisplay },
        oneRecordSchema,
        recordFields,
        request.signal,
      );
      return result(created.result, reported);
    },

    async updateItem(externalId, request: OutboundRequest): Promise<OutboundResult> {
      const { body, reported } = await writeBody(request.changed, request.ticketId, request.signal);
      if (Object.keys(body).length === 0) return { externalId };
      const updated = await client.patch(config.table, externalId, body, oneRecordSchema, recordFields, request.signal);
      return result(updated.result, reported);
    },
  };
}
