// What the Table API answers and the business rule posts, parsed with zod at the edge. Lockstep
// reads with `sysparm_display_value=false` (stored values: state "6", dates in UTC
// "yyyy-MM-dd HH:mm:ss", references as sys_ids) and `sysparm_exclude_reference_link=true`, so a
// reference is a plain sys_id string; the `{link, value}` and `{display_value, value}` shapes an
// instance answers without those parameters are accepted too and read by their `value`. The
// assignee's user_name comes dot-walked (`assigned_to.user_name`), which saves a sys_user read.
// Shapes follow the ServiceNow docs' Table API examples (ServiceNow/ServiceNowDocs,
// markdown/api-reference/rest-apis/c_TableAPI.md) and, for journal entries, rapid7's plugin docs
// (rapid7/insightconnect-plugins, plugins/servicenow/help.md); test fixtures quote both.

import { z } from 'zod';
import { expected } from '#adapters/shared/parsing.ts';

/** A stored value: ServiceNow sends every field as a string; some proxies turn digits into numbers. */
const text = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** A reference field: a sys_id, or `{value}` with a link or display value; '' when empty. */
const reference = z
  .union([z.string(), z.object({ value: z.string().optional().nullable() }).loose()])
  .transform((ref) => (typeof ref === 'string' ? ref : (ref.value ?? '')));

/** `yyyy-MM-dd HH:mm:ss` (UTC, as stored). */
export const glideDateTime = z
  .string({ error: expected('a date-time as yyyy-MM-dd HH:mm:ss') })
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, { error: 'must be a date-time as yyyy-MM-dd HH:mm:ss' });

/** The fields of a task record Lockstep reads (all optional: `sysparm_fields` decides what comes). */
export const recordSchema = z
  .object({
    sys_id: z.string().min(1),
    number: text.optional(),
    short_description: text.optional(),
    description: text.optional(),
    state: text.optional(),
    priority: text.optional(),
    impact: text.optional(),
    urgency: text.optional(),
    assigned_to: reference.optional(),
    'assigned_to.user_name': text.optional(),
    close_code: text.optional(),
    close_notes: text.optional(),
    correlation_id: text.optional(),
    sys_updated_on: text.optional(),
    sys_updated_by: text.optional(),
    sys_mod_count: text.optional(),
  })
  .loose();
export type TableRecord = z.output<typeof recordSchema>;

/** `GET /api/now/table/{table}/{sys_id}`, POST and PATCH answers. */
export const oneRecordSchema = z.object({ result: recordSchema });

/** `GET /api/now/table/{table}` answers. */
export const recordListSchema = z.object({ result: z.array(recordSchema) });

/** A `sys_journal_field` entry: one comment (element `comments`) or work note on a record. */
export const journalEntrySchema = z
  .object({
    sys_id: z.string().min(1),
    element_id: z.string().min(1),
    element: z.string(),
    name: z.string().optional(),
    value: text.optional(),
    sys_created_on: z.string().optional(),
    sys_created_by: z.string().optional(),
  })
  .loose();
export type JournalEntry = z.output<typeof journalEntrySchema>;

export const journalListSchema = z.object({ result: z.array(journalEntrySchema) });
export const oneJournalSchema = z.object({ result: journalEntrySchema });

/** A `sys_user` (or `sys_user_group`) row as looked up by name. */
const nameRowSchema = z
  .object({ sys_id: z.string().min(1), user_name: text.optional(), name: text.optional() })
  .loose();
export const userListSchema = z.object({ result: z.array(nameRowSchema) });

const wholeNumber = 'must be a whole number (digits)';
const digits = z
  .union(
    [
      z.string().trim().regex(/^\d+$/, { error: wholeNumber }),
      z.number({ error: wholeNumber }).int({ error: wholeNumber }).nonnegative({ error: wholeNumber }),
    ],
    { error: wholeNumber },
  )
  .transform(Number);

/** What the README's business rule on the table posts after each insert, update or delete. */
export const recordDeliverySchema = z
  .object({
    sys_id: z.string({ error: 'is required' }).trim().min(1, { error: 'must not be empty' }),
    number: z.string({ error: 'is required' }),
    sys_updated_on: glideDateTime,
    sys_mod_count: digits,
    table: z.string().optional(),
    operation: z.enum(['insert', 'update', 'delete'], { error: 'must be insert, update or delete' }).optional(),
  })
  .loose();
export type RecordDelivery = z.output<typeof recordDeliverySchema>;

/** What the README's business rule on sys_journal_field posts for a comment. */
export const journalDeliverySchema = z
  .object({
    sys_id: z.string({ error: 'is required' }).trim().min(1, { error: 'must not be empty' }),
    element_id: z.string({ error: 'is required' }).trim().min(1, { error: 'must not be empty' }),
    element: z.string({ error: 'is required' }),
    name: z.string().optional(),
    value: z.string().optional(),
    sys_created_on: glideDateTime.optional(),
    sys_created_by: z.string().optional(),
    reported_at: glideDateTime.optional(),
    operation: z.enum(['insert', 'update', 'delete'], { error: 'must be insert, update or delete' }).optional(),
  })
  .loose();
export type JournalDelivery = z.output<typeof journalDeliverySchema>;

/** ms since epoch of a stored (UTC) `yyyy-MM-dd HH:mm:ss`, or undefined when it is not one. */
export function glideMs(value: string | undefined): number | undefined {
  if (value === undefined || !glideDateTime.safeParse(value).success) return undefined;
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `ms` as a stored (UTC) `yyyy-MM-dd HH:mm:ss`. */
export function glideDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
