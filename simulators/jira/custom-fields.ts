// Custom fields in the Jira simulator, as Jira Cloud's REST v3 treats them: `GET /rest/api/3/field`
// lists them with their schema next to the system fields; writes are validated by type (select
// options by `{id}` or `{value}`, an unknown one refused with Jira's 400 shape `{ errorMessages: [],
// errors: { customfield_10050: "..." } }`, multi-line text only as ADF); reads give options as
// `{ self, value, id }` and users as `{ accountId, displayName }`. Values are kept in the issue by
// field id (options by option id, users by accountId).

import type { JsonValue } from '#domain/json.ts';

/** A custom field of the simulated site. */
export interface SimCustomField {
  /** `customfield_<digits>`. */
  readonly id: string;
  readonly name: string;
  /** As `GET /rest/api/3/field` gives it (`{ type: 'option', custom: '...:select' }`...). */
  readonly schema: { readonly type: string; readonly items?: string; readonly custom?: string };
  /** Select options. */
  readonly options?: readonly { readonly id: string; readonly value: string }[];
}

/** Custom fields a typical Jira site has, for the demo and the tests: a Team select, story points, notes. */
export const sampleCustomFields = {
  team: {
    id: 'customfield_10050',
    name: 'Team',
    schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' },
    options: [
      { id: '10100', value: 'Payments' },
      { id: '10101', value: 'Platform' },
      { id: '10102', value: 'Marketing' },
    ],
  },
  storyPoints: { id: 'customfield_10016', name: 'Story points', schema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' } },
  notes: { id: 'customfield_10060', name: 'Notes', schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea' } },
} as const satisfies Record<string, SimCustomField>;

const systemFields: ReadonlyArray<readonly [id: string, name: string, schema: Record<string, string>]> = [
  ['summary', 'Summary', { type: 'string', system: 'summary' }],
  ['description', 'Description', { type: 'string', system: 'description' }],
  ['status', 'Status', { type: 'status', system: 'status' }],
  ['priority', 'Priority', { type: 'priority', system: 'priority' }],
  ['labels', 'Labels', { type: 'array', items: 'string', system: 'labels' }],
  ['assignee', 'Assignee', { type: 'user', system: 'assignee' }],
  ['issuetype', 'Issue Type', { type: 'issuetype', system: 'issuetype' }],
  ['created', 'Created', { type: 'datetime', system: 'created' }],
  ['updated', 'Updated', { type: 'datetime', system: 'updated' }],
];

/** The `GET /rest/api/3/field` answer: system fields, then the custom ones. */
export function fieldListJson(custom: readonly SimCustomField[]): JsonValue {
  return [
    ...systemFields.map(([id, name, schema]) => ({ id, key: id, name, custom: false, navigable: true, orderable: true, searchable: true, clauseNames: [id], schema })),
    ...custom.map((field) => ({
      id: field.id,
      key: field.id,
      name: field.name,
      custom: true,
      navigable: true,
      orderable: true,
      searchable: true,
      clauseNames: [`cf[${field.id.replace('customfield_', '')}]`, field.name],
      schema: { ...field.schema, customId: Number(field.id.replace('customfield_', '')) },
    })),
  ];
}

/** The value to store for a REST v3 write of `input`, or Jira's error message for the field. */
export function writeCustomField(field: SimCustomField, input: unknown): { stored: JsonValue } | { error: string } {
  if (input === null || input === undefined) return { stored: null };
  const { type, items, custom } = field.schema;
  switch (type) {
    case 'option':
      return optionOf(field, input);
    case 'array': {
      if (!Array.isArray(input)) return { error: `Operation value must be an array` };
      if (items === 'option') {
        const ids: string[] = [];
        for (const element of input) {
          const one = optionOf(field, element);
          if ('error' in one) return one;
          ids.push(one.stored as string);
        }
        return { stored: ids.length === 0 ? null : ids };
      }
      if (input.some((element) => typeof element !== 'string')) return { error: 'Operation value must be an array of strings' };
      if (items === 'string' && input.some((label: string) => /\s/.test(label))) return { error: 'The label cannot contain spaces.' };
      return { stored: input.length === 0 ? null : (input as string[]) };
    }
    case 'string':
      if (custom?.endsWith(':textarea')) {
        const isDoc = typeof input === 'object' && !Array.isArray(input) && (input as { type?: unknown }).type === 'doc';
        return isDoc ? { stored: input as JsonValue } : { error: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' };
      }
      if (typeof input !== 'string') return { error: 'Operation value must be a string' };
      if (input.length > 255) return { error: 'You can only enter 255 characters or less in this field.' };
      return { stored: input === '' ? null : input };
    case 'number':
      return typeof input === 'number' && Number.isFinite(input) ? { stored: input } : { error: 'Operation value must be a number' };
    case 'user': {
      const accountId = (input as { accountId?: unknown }).accountId;
      return typeof accountId === 'string' && accountId !== '' ? { stored: accountId } : { error: `Specify a valid value for ${field.name}` };
    }
    case 'date':
      return typeof input === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(input) && !Number.isNaN(Date.parse(input)) ? { stored: input } : { error: `Error parsing date string: ${String(input)}` };
    case 'datetime': {
      const ms = typeof input === 'string' ? Date.parse(input.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Number.NaN;
      return Number.isNaN(ms) ? { error: `Error parsing datetime string: ${String(input)}` } : { stored: new Date(ms).toISOString().replace('Z', '+0000') };
    }
    default:
      return { stored: input as JsonValue };
  }
}

function optionOf(field: SimCustomField, input: unknown): { stored: JsonValue } | { error: string } {
  const ref = (typeof input === 'object' && input !== null ? input : {}) as { id?: unknown; value?: unknown };
  if (ref.id !== undefined) {
    const option = field.options?.find((o) => o.id === String(ref.id));
    return option ? { stored: option.id } : { error: `Option id '${String(ref.id)}' is not valid` };
  }
  if (ref.value !== undefined) {
    const option = field.options?.find((o) => o.value === ref.value);
    return option ? { stored: option.id } : { error: `Option value '${String(ref.value)}' is not valid` };
  }
  return { error: `Specify a valid 'id' or 'value' for ${field.name}` };
}

/** A stored value as issues report it (REST v3 and webhooks). */
export function readCustomField(field: SimCustomField, stored: JsonValue, baseUrl: string, users: ReadonlyMap<string, string>): JsonValue {
  if (stored === null) return null;
  const option = (id: JsonValue): JsonValue => {
    const found = field.options?.find((o) => o.id === id);
    return { self: `${baseUrl}/rest/api/3/customFieldOption/${String(id)}`, value: found?.value ?? String(id), id: String(id) };
  };
  if (field.schema.type === 'option') return option(stored);
  if (field.schema.type === 'array' && field.schema.items === 'option' && Array.isArray(stored)) return stored.map(option);
  if (field.schema.type === 'user') return { accountId: stored, displayName: users.get(String(stored)) ?? String(stored), active: true };
  return stored;
}

/** A stored value as a changelog's `fromString`/`toString`. */
export function displayCustomField(field: SimCustomField | undefined, stored: JsonValue): string | null {
  if (stored === null) return null;
  const valueOf = (id: JsonValue) => field?.options?.find((o) => o.id === id)?.value ?? String(id);
  if (field?.schema.type === 'option') return valueOf(stored);
  if (Array.isArray(stored)) return stored.map((item) => (field?.schema.items === 'option' ? valueOf(item) : String(item))).join(',');
  return typeof stored === 'object' ? '(rich text)' : String(stored);
}

/** The custom field values of a write's `fields`, stored form, and Jira's message per refused field. */
export function writeCustomFields(defined: readonly SimCustomField[], fields: Readonly<Record<string, unknown>>): { custom: Record<string, JsonValue>; errors: Record<string, string> } {
  const custom: Record<string, JsonValue> = {};
  const errors: Record<string, string> = {};
  for (const [id, input] of Object.entries(fields)) {
    if (!id.startsWith('customfield_')) continue;
    const field = defined.find((f) => f.id === id);
    const written = field ? writeCustomField(field, input) : { error: `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.` };
    if ('error' in written) errors[id] = written.error;
    else custom[id] = written.stored;
  }
  return { custom, errors };
}
