// A ServiceNow record as the ExternalItem the engine reads, whether it was polled, read after a
// business-rule delivery, or read back after our own write. The ordering key is the record's
// `sys_mod_count` (ServiceNow adds one on every update), zero-padded so it sorts as a string; a
// deletion sorts after every update of the same count.

import type { ExternalItem, FieldProblem } from '#domain/project/connector.ts';
import type { ServiceNowMapping } from './mapping.ts';
import { glideMs, type TableRecord } from './payloads.ts';

const keyWidth = 12;

/** Fields every read asks for. */
export const recordFields = [
  'sys_id',
  'number',
  'short_description',
  'description',
  'state',
  'priority',
  'assigned_to',
  'assigned_to.user_name',
  'sys_updated_on',
  'sys_updated_by',
  'sys_mod_count',
] as const;

/** The ordering key of the record state with `modCount`. */
export function orderingKeyOf(modCount: number): string {
  return String(modCount).padStart(keyWidth, '0');
}

/** The ordering key of a deletion reported at `modCount`: after every update with that count. */
export function deletionKeyOf(modCount: number): string {
  return `${orderingKeyOf(modCount)}~deleted`;
}

/** The form URL of record `sysId` (what a person opens in the browser). */
export function recordUrl(instanceUrl: string, table: string, sysId: string): string {
  const base = instanceUrl.endsWith('/') ? instanceUrl : `${instanceUrl}/`;
  return new URL(`${table}.do?sys_id=${encodeURIComponent(sysId)}`, base).toString();
}

/** The item for `record`; `fallbackMs` stamps it when the record carries no `sys_updated_on`. */
export function itemFromRecord(
  record: TableRecord,
  mapping: ServiceNowMapping,
  where: { readonly instanceUrl: string; readonly table: string },
  fallbackMs: number,
): ExternalItem {
  const observedAtMs = glideMs(record.sys_updated_on) ?? fallbackMs;
  const modCount = /^\d+$/.test(record.sys_mod_count ?? '') ? Number(record.sys_mod_count) : 0;
  const { fields, problems } = mapping.fromServiceNow(record);
  const actor = record.sys_updated_by;
  return {
    externalId: record.sys_id,
    url: recordUrl(where.instanceUrl, where.table, record.sys_id),
    orderingKey: orderingKeyOf(modCount),
    observedAtMs,
    ...(actor ? { actor } : {}),
    fields,
    ...(problems.length > 0 ? { mappingErrors: problems satisfies FieldProblem[] } : {}),
  };
}
