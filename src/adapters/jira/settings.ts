// A JIRA project's settings as the admin types them into `connectExternalProject`: where Jira is,
// which project, and how hub values map to Jira's (statuses, priorities, users), plus the
// credentials (an Atlassian account's email and API token, or a bearer token / Data Center PAT).
// Parsed when the project is connected and again whenever a session opens.
//
// Custom fields (optional): `customFields` maps a hub custom field name (the ticket's
// `customFields.<name>`) to a Jira custom field by id, with an optional map of select options:
//   "customFields": {
//     "team": { "fieldId": "customfield_10050",
//               "options": { "payments": "10100", "platform": { "value": "Platform" } } },
//     "storyPoints": "customfield_10016"
//   }
// A bare string is the shorthand for `{ fieldId }`. An option is a Jira option id (digits), a Jira
// option value (anything else), or `{ id?, value? }`; options go out by id when the id is known,
// else by value, and come in matched by id or (case-insensitively) by value. Without `options`,
// the hub value of a select is the Jira option's value.

import { describeSettings } from '#adapters/shared/settings-schemas.ts';
import { z } from 'zod';
import { priorities, ticketStatuses, type Priority, type TicketStatus } from '#domain/ticket/fields.ts';
import { expected, httpUrl, nonEmptyString, parseSettings } from '#adapters/shared/parsing.ts';

const jiraName = z.string({ error: expected('a Jira name') }).trim().min(1, { error: 'must not be empty' });

/** `IN_PROGRESS`, `in progress`, `In-Progress` -> `in_progress`. */
const hubSpelling = (text: string) => text.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * Accepts a value map in the API's spelling (`IN_PROGRESS`, `P1`) as well as the domain's, and
 * written either way round (`{ "IN_PROGRESS": "In Progress" }` or `{ "In Progress": "IN_PROGRESS" }`);
 * hands the schema hub value -> Jira name.
 */
function eitherWay(hubValues: readonly string[]) {
  return (input: unknown) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (hubValues.includes(hubSpelling(key))) out[hubSpelling(key)] = value;
      else if (typeof value === 'string' && hubValues.includes(hubSpelling(value))) out[hubSpelling(value)] ??= key;
      else out[key] = value;
    }
    return out;
  };
}

const jiraCustomFieldId = z
  .string({ error: expected('a Jira custom field id (customfield_<digits>)') })
  .trim()
  .regex(/^customfield_\d+$/, { error: 'must be a Jira custom field id (customfield_<digits>)' });

const optionId = z
  .union([z.string().trim().regex(/^\d+$/), z.number().int().nonnegative()], { error: 'must be a Jira option id (digits)' })
  .transform(String);

/** A string entry is an option id when it is all digits, else an option value. */
const optionRef = z.union(
  [
    z
      .string()
      .trim()
      .min(1)
      .transform((text) => (/^\d+$/.test(text) ? { id: text } : { value: text })),
    z
      .object({ id: optionId.optional(), value: z.string().trim().min(1, { error: 'must not be empty' }).optional() })
      .strict()
      .refine((ref) => ref.id !== undefined || ref.value !== undefined, { error: 'must give id or value' })
      .transform((ref) => withoutUndefined(ref) as JiraOptionRef),
  ],
  { error: 'must be a Jira option id, a Jira option value, or {id, value}' },
);

const customFieldSchema = z.preprocess(
  (input) => (typeof input === 'string' ? { fieldId: input } : input),
  z
    .object(
      {
        fieldId: jiraCustomFieldId,
        /** Hub value -> Jira option (select and multi-select fields). */
        options: z.record(z.string().trim().min(1, { error: 'hub values must not be empty' }), optionRef).optional(),
      },
      {
        error: (issue) =>
          issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.join(', ')} (use fieldId, options)` : 'must be a Jira custom field id or {fieldId, options?}',
      },
    )
    .strict()
    .transform((field) => withoutUndefined(field) as JiraCustomFieldConfig),
);

const customFieldsSchema = z
  .record(
    z.string().trim().min(1, { error: 'custom field names must not be empty' }).max(100, { error: 'custom field names must be at most 100 characters' }),
    customFieldSchema,
    { error: 'must be an object: hub custom field name -> Jira custom field' },
  )
  .superRefine((fields, ctx) => {
    const seen = new Map<string, string>();
    for (const [name, field] of Object.entries(fields)) {
      const other = seen.get(field.fieldId);
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: [name, 'fieldId'], message: `${field.fieldId} is already mapped to ${other}` });
      else seen.set(field.fieldId, name);
    }
  });

const configSchema = z.object({
  baseUrl: httpUrl,
  projectKey: z
    .string({ error: expected('a Jira project key') })
    .trim()
    .regex(/^[A-Z][A-Z0-9_]{0,254}$/, { error: 'must be a Jira project key (upper-case letters, digits, _; e.g. OPS)' }),
  issueType: jiraName.default('Task'),
  /** Extra JQL ANDed to `project = KEY` (fetches, polling, import). */
  jql: z.string({ error: expected('a JQL string') }).trim().optional(),
  /** Hub status -> Jira status name; the rest by name and status category. */
  statusMap: z.preprocess(eitherWay(ticketStatuses), z.partialRecord(z.enum(ticketStatuses, { error: `must be one of ${ticketStatuses.join(', ')}` }), jiraName)).optional(),
  /** Hub priority -> Jira priority name; defaults Highest, High, Medium, Low, Lowest. */
  priorityMap: z.preprocess(eitherWay(priorities), z.partialRecord(z.enum(priorities, { error: `must be one of ${priorities.join(', ')}` }), jiraName)).optional(),
  /** Hub assignee -> Jira accountId. */
  userMap: z.record(nonEmptyString, nonEmptyString).optional(),
  /** `protect` (default): a description holding rich text Markdown cannot carry is never overwritten. */
  richText: z.enum(['protect', 'overwrite'], { error: 'must be protect or overwrite' }).default('protect'),
  /** Hub custom field name -> Jira custom field (see the header). */
  customFields: customFieldsSchema.optional(),
}).transform((config) => withoutUndefined(config) as JiraConfig);

const credentialsSchema = z.union(
  [
    z.object({ email: nonEmptyString, apiToken: nonEmptyString }).strict(),
    z.object({ token: nonEmptyString }).strict(),
  ],
  { error: 'must be {email, apiToken} (Jira Cloud API token) or {token} (bearer token or Data Center PAT)' },
);

/** A JIRA project's config, normalised. */
export type JiraConfig = {
  readonly baseUrl: string;
  readonly projectKey: string;
  readonly issueType: string;
  readonly jql?: string;
  readonly statusMap?: Partial<Record<TicketStatus, string>>;
  readonly priorityMap?: Partial<Record<Priority, string>>;
  readonly userMap?: Record<string, string>;
  readonly richText: 'protect' | 'overwrite';
  readonly customFields?: Readonly<Record<string, JiraCustomFieldConfig>>;
};

/** A Jira select option named by id, by value, or both. */
export type JiraOptionRef = {
  readonly id?: string;
  readonly value?: string;
};

/** One mirrored Jira custom field. */
export type JiraCustomFieldConfig = {
  readonly fieldId: string;
  /** Hub value -> Jira option. */
  readonly options?: Readonly<Record<string, JiraOptionRef>>;
};

/** `value` without its undefined properties (absent optional settings are not stored as undefined). */
function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** Basic (email + API token) or bearer (token) credentials. */
export type JiraCredentials = z.output<typeof credentialsSchema>;

/** Validated config; throws InvalidConnectorSettings (`config.projectKey: ...`). */
export function parseJiraConfig(config: unknown): JiraConfig {
  return parseSettings(configSchema, config, 'config');
}

/** Validated credentials; throws InvalidConnectorSettings naming the problem. */
export function parseJiraCredentials(credentials: unknown): JiraCredentials {
  return parseSettings(credentialsSchema, credentials, 'credentials');
}

/** The Authorization header value for `credentials`. */
export function authorizationHeader(credentials: JiraCredentials): string {
  if ('token' in credentials) return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`, 'utf8').toString('base64')}`;
}

/** The JSON Schema of this connector's config and credentials (the console's connect form). */
export const jiraSettingsSchemas = describeSettings(configSchema, credentialsSchema);
