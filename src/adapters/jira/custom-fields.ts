// Hub custom fields (`customFields.<name>`) <-> Jira custom fields by id (`config.customFields`).
// Going out, the field's type from `GET /rest/api/3/field` decides the REST v3 write format; coming
// in, the value describes itself (webhooks carry no field list), so it is read by its shape:
//   text (textfield)      "abc"                          <-> "abc"
//   multi-line (textarea) ADF document                   <-> Markdown
//   number                12.5                           <-> 12.5
//   select (option)       {self, value, id}; writes {id} when the option's id is known, else {value}
//                         <-> the hub value `options` maps it to (by id, or by value ignoring case);
//                         without `options`, the option's value
//   multi-select          [option...]                    <-> sorted list of hub values
//   labels (array/string) ["a", "b"]                     <-> sorted list (spaces become `-`)
//   user (user picker)    {accountId, ...}               <-> hub user through config.userMap
//   date                  "2024-05-01"                   <-> "2024-05-01"
//   datetime              "2024-05-01T10:00:00.000+0200" <-> "2024-05-01T08:00:00.000Z" (UTC)
// Jira reports an empty field as null, and so does the hub. Read by shape, a text value that is
// exactly an ISO 8601 datetime reads as that instant in UTC, like a datetime field. Anything else (a cascading select, a
// multi-user picker...) is an error naming the type or shape, never a silent drop: inbound it is
// listed in `mappingErrors` (a SyncError on the mapping), outbound it throws a 'rejected'
// ExternalCallError naming field and value, like the built-in fields (mapping.ts).

import { z } from 'zod';
import { ExternalCallError, type FieldProblem } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import { customFieldKey, customFieldName, type CustomFieldKey, type FieldKey } from '#domain/ticket/fields.ts';
import { adfToMarkdown } from './adf.ts';
import type { JiraConfig, JiraCustomFieldConfig, JiraOptionRef } from './settings.ts';
import { parseJiraTime } from './payloads.ts';
import { hubUserOf, jiraAccountOf } from './users.ts';
import { adfOrNull, reportedLabels, sameName } from './values.ts';

/** A field's `schema` as `GET /rest/api/3/field` lists it. */
export interface JiraFieldSchema {
  readonly type: string;
  /** The element type of an `array`. */
  readonly items?: string | undefined;
  /** The custom field type key (`com.atlassian.jira.plugin.system.customfieldtypes:textarea`). */
  readonly custom?: string | undefined;
}

/** Field id -> schema, for the fields of one Jira site. */
export type JiraFieldTypes = ReadonlyMap<string, JiraFieldSchema>;

/** The Jira field shapes Lockstep mirrors. */
export type CustomFieldShape = 'text' | 'textarea' | 'number' | 'select' | 'multiselect' | 'labels' | 'user' | 'date' | 'datetime';

/** The shape of a field with `schema`, or undefined when Lockstep cannot mirror it. */
export function shapeOf(schema: JiraFieldSchema): CustomFieldShape | undefined {
  switch (schema.type) {
    case 'string':
      return schema.custom?.endsWith(':textarea') ? 'textarea' : 'text';
    case 'number':
      return 'number';
    case 'option':
      return 'select';
    case 'user':
      return 'user';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'array':
      return schema.items === 'option' ? 'multiselect' : schema.items === 'string' ? 'labels' : undefined;
    default:
      return undefined;
  }
}

/** `option-with-child`, `array of user`... */
function describeType(schema: JiraFieldSchema): string {
  return schema.type === 'array' ? `array of ${schema.items ?? 'unknown'}` : schema.type;
}

const maxText = 255;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** A Jira select option as issues report it. */
const jiraOption = z.object({ id: z.union([z.string(), z.number()]).transform(String).optional(), value: z.string() });
type JiraOption = z.output<typeof jiraOption>;

/** A reported custom field value, classified by its shape. */
const reportedValue = z.union([
  z.null().transform(() => ({ kind: 'empty' as const })),
  z.string().transform((text) => ({ kind: 'text' as const, text })),
  z.number().transform((number) => ({ kind: 'number' as const, number })),
  z.looseObject({ type: z.literal('doc'), content: z.array(z.unknown()) }).transform((doc) => ({ kind: 'adf' as const, doc })),
  z.looseObject({ value: z.string(), child: z.looseObject({}) }).transform(() => ({ kind: 'unsupported' as const, what: 'a cascading select (option-with-child) value' })),
  z.looseObject({ accountId: z.string().min(1) }).transform((user) => ({ kind: 'user' as const, accountId: user.accountId })),
  jiraOption.transform((option) => ({ kind: 'option' as const, option })),
  z.array(z.string()).transform((items) => (items.length === 0 ? { kind: 'empty' as const } : { kind: 'strings' as const, items })),
  z.array(jiraOption).transform((options) => ({ kind: 'options' as const, options })),
]);

function describeRaw(raw: unknown): string {
  if (Array.isArray(raw)) return 'a list of values it cannot read';
  if (typeof raw === 'object' && raw !== null) return `an object with ${Object.keys(raw).slice(0, 5).join(', ') || 'no keys'}`;
  return `a ${typeof raw}`;
}


/** `value` as an ISO 8601 UTC instant, or undefined when it is not a datetime. */
function utcInstant(value: string): string | undefined {
  if (!dateTimePattern.test(value)) return undefined;
  const ms = parseJiraTime(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function isDate(value: string): boolean {
  return datePattern.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}


/** Custom fields of one project, both ways. */
export interface CustomFieldMapping {
  /** The configured Jira field ids (sessions ask Jira for them). */
  readonly fieldIds: readonly string[];
  /** The register keys of the configured fields. */
  readonly keys: readonly CustomFieldKey[];
  /** Throws 'rejected' naming the first configured field `types` does not have. */
  check(types: JiraFieldTypes): void;
  /** The Jira field id and REST v3 value for a hub value; throws 'rejected' naming field and value. */
  toJira(field: CustomFieldKey, value: JsonValue, types: JiraFieldTypes | undefined): [string, JsonValue];
  /** The hub value Jira will report for a hub value we send. */
  reported(field: CustomFieldKey, value: JsonValue, types: JiraFieldTypes | undefined): JsonValue;
  /**
   * Hub values of the configured fields present in `values` (Jira field id -> reported value).
   * `wikiText`: the issue came in REST v2 shape (webhooks), where multi-line text is wiki markup:
   * text values are then left to a fetch (`needsFetch`) instead of being read.
   */
  fromJira(values: Readonly<Record<string, unknown>>, wikiText: boolean): { fields: Partial<Record<FieldKey, JsonValue>>; mappingErrors: FieldProblem[]; needsFetch: FieldKey[] };
}

/** The custom field maps of a project with `config`. */
export function createCustomFieldMapping(config: JiraConfig): CustomFieldMapping {
  const configured = Object.entries(config.customFields ?? {});
  const userMap: Readonly<Record<string, string>> = config.userMap ?? {};

  function settingsOf(field: CustomFieldKey, value: JsonValue): JiraCustomFieldConfig {
    const name = customFieldName(field) ?? '';
    const found = config.customFields?.[name];
    if (!found) throw outError(field, value, undefined, 'this custom field is not configured for the project (add it to config.customFields)');
    return found;
  }

  function outError(field: CustomFieldKey, value: JsonValue, fieldId: string | undefined, why: string): ExternalCallError {
    const json = JSON.stringify(value);
    const shown = json.length > 80 ? `${json.slice(0, 80)}…` : json;
    return new ExternalCallError('rejected', `${field} ${shown} cannot be mapped to Jira${fieldId ? ` ${fieldId}` : ''}: ${why}`);
  }

  function shapeFor(field: CustomFieldKey, value: JsonValue, settings: JiraCustomFieldConfig, types: JiraFieldTypes | undefined): CustomFieldShape {
    const schema = types?.get(settings.fieldId);
    if (!schema) throw outError(field, value, settings.fieldId, 'Jira has no field with this id');
    const shape = shapeOf(schema);
    if (!shape) {
      throw outError(field, value, settings.fieldId, `its type ${describeType(schema)} is not one Lockstep mirrors (text, multi-line text, number, select, multi-select, labels, user, date, datetime)`);
    }
    return shape;
  }

  /** The option a hub value goes out as; throws when `options` has none for it. */
  function optionRef(field: CustomFieldKey, settings: JiraCustomFieldConfig, hub: string): JiraOptionRef {
    if (!settings.options) return { value: hub };
    const ref = settings.options[hub] ?? Object.entries(settings.options).find(([key]) => sameName(key, hub))?.[1];
    if (!ref) throw outError(field, hub, settings.fieldId, `no option for this value in config.customFields.${customFieldName(field) ?? ''}.options`);
    return ref;
  }

  /** The hub value of a Jira option; throws when `options` is given and nothing in it matches. */
  function hubOption(settings: JiraCustomFieldConfig, name: string, option: { readonly id?: string | undefined; readonly value?: string | undefined }): string {
    const options = settings.options;
    if (!options) {
      if (option.value === undefined) throw new Error('unreachable: an option without a value');
      return option.value;
    }
    const entries = Object.entries(options);
    const byId = option.id === undefined ? undefined : entries.find(([, ref]) => ref.id === option.id);
    const byValue = byId ?? (option.value === undefined ? undefined : entries.find(([, ref]) => ref.value !== undefined && sameName(ref.value, option.value as string)));
    if (byValue) return byValue[0];
    const described = `${JSON.stringify(option.value ?? null)}${option.id === undefined ? '' : ` (id ${option.id})`}`;
    throw new ExternalCallError('rejected', `customFields.${name}: Jira option ${described} of ${settings.fieldId} matches no entry of config.customFields.${name}.options (by id or value)`);
  }

  function text(field: CustomFieldKey, value: JsonValue, settings: JiraCustomFieldConfig, what: string): string | null {
    if (value === null) return null;
    if (typeof value !== 'string') throw outError(field, value, settings.fieldId, `not ${what}`);
    return value;
  }

  function stringList(field: CustomFieldKey, value: JsonValue, settings: JiraCustomFieldConfig): string[] {
    if (value === null) return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw outError(field, value, settings.fieldId, 'not a list of strings');
    return value as string[];
  }

  function toJira(field: CustomFieldKey, value: JsonValue, types: JiraFieldTypes | undefined): [string, JsonValue] {
    const settings = settingsOf(field, value);
    const id = settings.fieldId;
    const shape = shapeFor(field, value, settings, types);
    switch (shape) {
      case 'text': {
        const out = text(field, value, settings, 'text');
        if (out !== null && out.length > maxText) throw outError(field, value, id, `Jira single-line text fields hold at most ${maxText} characters`);
        return [id, out === '' ? null : out];
      }
      case 'textarea': {
        return [id, adfOrNull(text(field, value, settings, 'text') ?? '')];
      }
      case 'number':
        if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) throw outError(field, value, id, 'not a number');
        return [id, value];
      case 'select': {
        const hub = text(field, value, settings, 'a single option (a string)');
        if (hub === null || hub === '') return [id, null];
        const ref = optionRef(field, settings, hub);
        return [id, ref.id !== undefined ? { id: ref.id } : { value: ref.value ?? hub }];
      }
      case 'multiselect':
        return [id, stringList(field, value, settings).map((hub) => {
          const ref = optionRef(field, settings, hub);
          return ref.id !== undefined ? { id: ref.id } : { value: ref.value ?? hub };
        })];
      case 'labels':
        return [id, reportedLabels(stringList(field, value, settings))];
      case 'user': {
        const user = text(field, value, settings, 'a user name');
        if (user === null || user.trim() === '') return [id, null];
        const accountId = jiraAccountOf(user, userMap);
        if (!accountId) throw outError(field, value, id, 'no Jira account for this user; add it to config.userMap');
        return [id, { accountId }];
      }
      case 'date': {
        const date = text(field, value, settings, 'a date (YYYY-MM-DD)');
        if (date !== null && !isDate(date)) throw outError(field, value, id, 'not a date (YYYY-MM-DD)');
        return [id, date];
      }
      case 'datetime': {
        const when = text(field, value, settings, 'a datetime (ISO 8601)');
        if (when === null) return [id, null];
        const instant = utcInstant(when);
        if (!instant) throw outError(field, value, id, 'not a datetime (ISO 8601 with a time zone, e.g. 2024-05-01T10:00:00Z)');
        return [id, instant.replace('Z', '+0000')];
      }
      default:
        return shape satisfies never;
    }
  }

  function reported(field: CustomFieldKey, value: JsonValue, types: JiraFieldTypes | undefined): JsonValue {
    const settings = settingsOf(field, value);
    const [, sent] = toJira(field, value, types);
    const name = customFieldName(field) ?? '';
    switch (shapeFor(field, value, settings, types)) {
      case 'text':
        return typeof sent === 'string' ? (utcInstant(sent) ?? sent) : null;
      case 'textarea': {
        const markdown = sent === null ? '' : adfToMarkdown(sent);
        return markdown === '' ? null : markdown;
      }
      case 'select':
        return sent === null ? null : hubOption(settings, name, sent as JiraOptionRef);
      case 'multiselect': {
        const values = [...new Set((sent as JiraOptionRef[]).map((ref) => hubOption(settings, name, ref)))].sort();
        return values.length === 0 ? null : values;
      }
      case 'labels':
        return (sent as string[]).length === 0 ? null : sent;
      case 'user':
        return sent === null ? null : hubUserOf((sent as { accountId: string }).accountId, userMap);
      case 'datetime':
        return typeof sent === 'string' ? (utcInstant(sent) ?? sent) : null;
      default:
        return sent;
    }
  }

  function read(name: string, settings: JiraCustomFieldConfig, raw: unknown, wikiText: boolean): JsonValue | 'fetch' {
    const parsed = reportedValue.safeParse(raw);
    const fail = (why: string) => new ExternalCallError('rejected', `customFields.${name}: Jira reported ${why} for ${settings.fieldId}, which Lockstep cannot mirror`);
    if (!parsed.success) throw fail(describeRaw(raw));
    const reading = parsed.data;
    switch (reading.kind) {
      case 'empty':
        return null;
      case 'text': {
        const instant = utcInstant(reading.text);
        if (instant) return instant;
        if (wikiText && !isDate(reading.text)) return 'fetch';
        return reading.text;
      }
      case 'number':
        return reading.number;
      case 'adf': {
        const markdown = adfToMarkdown(reading.doc);
        return markdown === '' ? null : markdown;
      }
      case 'user':
        return hubUserOf(reading.accountId, userMap);
      case 'option':
        return hubOption(settings, name, reading.option);
      case 'options': {
        const values = [...new Set(reading.options.map((option: JiraOption) => hubOption(settings, name, option)))].sort();
        return values.length === 0 ? null : values;
      }
      case 'strings':
        return [...new Set(reading.items)].sort();
      case 'unsupported':
        throw fail(reading.what);
      default:
        return reading satisfies never;
    }
  }

  function fromJira(values: Readonly<Record<string, unknown>>, wikiText: boolean): ReturnType<CustomFieldMapping['fromJira']> {
    const fields: Partial<Record<FieldKey, JsonValue>> = {};
    const mappingErrors: FieldProblem[] = [];
    const needsFetch: FieldKey[] = [];
    for (const [name, settings] of configured) {
      if (!(settings.fieldId in values)) continue;
      const key = customFieldKey(name);
      const raw = values[settings.fieldId];
      try {
        const value = read(name, settings, raw, wikiText);
        if (value === 'fetch') needsFetch.push(key);
        else fields[key] = value;
      } catch (error) {
        if (!(error instanceof ExternalCallError)) throw error;
        mappingErrors.push({ field: key, value: jsonOf(raw), message: error.message });
      }
    }
    return { fields, mappingErrors, needsFetch };
  }

  return {
    fieldIds: configured.map(([, settings]) => settings.fieldId),
    keys: configured.map(([name]) => customFieldKey(name)),
    check(types) {
      for (const [name, settings] of configured) {
        if (!types.has(settings.fieldId)) {
          throw new ExternalCallError('rejected', `config.customFields.${name}.fieldId: Jira has no field ${settings.fieldId} (or this account cannot see it)`);
        }
      }
    },
    toJira,
    reported,
    fromJira,
  };
}

/** A reported value as JSON (zod-parsed bodies only hold JSON, but the type does not say so). */
function jsonOf(raw: unknown): JsonValue {
  return raw === undefined ? null : (JSON.parse(JSON.stringify(raw)) as JsonValue);
}
