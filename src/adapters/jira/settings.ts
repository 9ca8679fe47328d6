// A JIRA project's settings as the admin types them into `connectExternalProject`: where Jira is,
// which project, and how hub values map to Jira's (statuses, priorities, users), plus the
// credentials (an Atlassian account's email and API token, or a bearer token / Data Center PAT).
// Parsed when the project is connected and again whenever a session opens.

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
