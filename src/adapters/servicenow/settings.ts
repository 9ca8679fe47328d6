// A SERVICENOW project's settings as the admin types them into `connectExternalProject`: the
// instance, the table (incident by default), how hub statuses and users map to ServiceNow's, the
// close code a resolution carries and the assignment group new records go to; plus the
// credentials (a user's name and password for Basic, or an OAuth bearer token).

import { describeSettings } from '#adapters/shared/settings-schemas.ts';
import { z } from 'zod';
import { ticketStatuses, type TicketStatus } from '#domain/ticket/fields.ts';
import { expected, httpUrl, nonEmptyString, parseSettings } from '#adapters/shared/parsing.ts';

/** `IN_PROGRESS`, `in progress`, `In-Progress` -> `in_progress`. */
const hubSpelling = (text: string) => text.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** A ServiceNow choice value (`state` is stored as digits: `"6"`), given as a string or a number. */
const stateValue = z
  .union([z.string().trim().regex(/^-?\d+$/), z.number().int()], { error: 'must be a state value (6 for Resolved)' })
  .transform(String);

const statusMapSchema = z.preprocess(
  (input) =>
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? Object.fromEntries(Object.entries(input).map(([key, value]) => [hubSpelling(key), value]))
      : input,
  z.partialRecord(z.enum(ticketStatuses, { error: `must be one of ${ticketStatuses.join(', ')}` }), stateValue, {
    error: 'must be an object: hub status -> ServiceNow state value',
  }),
);

const configSchema = z
  .object({
    instanceUrl: httpUrl,
    table: z
      .string({ error: expected('a table name') })
      .trim()
      .regex(/^[a-z][a-z0-9_]{0,79}$/, { error: 'must be a table name (lower-case letters, digits, _; e.g. incident)' })
      .default('incident'),
    /** Hub status -> ServiceNow state value; the contract's defaults fill the rest. */
    stateMap: statusMapSchema.optional(),
    /** Hub user name -> ServiceNow user_name. */
    userMap: z.record(nonEmptyString, nonEmptyString, { error: 'must be an object: hub user -> user_name' }).optional(),
    closeCode: nonEmptyString.default('Solved (Permanently)'),
    /** The assignment group (sys_id or name) of records Lockstep creates, and the scope of polling. */
    assignmentGroup: nonEmptyString.optional(),
  })
  .strict()
  .transform((config) => withoutUndefined(config) as ServiceNowConfig);

/** `value` without its undefined properties (absent settings are not stored as undefined). */
function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

const credentialsSchema = z.union(
  [
    z.object({ username: nonEmptyString, password: nonEmptyString }).strict(),
    z.object({ token: nonEmptyString }).strict(),
  ],
  { error: 'must be {username, password} (Basic) or {token} (OAuth bearer token)' },
);

/** A SERVICENOW project's config, normalised. */
export type ServiceNowConfig = {
  readonly instanceUrl: string;
  readonly table: string;
  readonly stateMap?: Partial<Record<TicketStatus, string>>;
  readonly userMap?: Readonly<Record<string, string>>;
  readonly closeCode: string;
  readonly assignmentGroup?: string;
};

/** Basic (username + password) or bearer (token) credentials. */
export type ServiceNowCredentials = z.output<typeof credentialsSchema>;

/** Validated config; throws InvalidConnectorSettings (`config.instanceUrl: ...`). */
export function parseServiceNowConfig(config: unknown): ServiceNowConfig {
  return parseSettings(configSchema, config, 'config');
}

/** Validated credentials; throws InvalidConnectorSettings naming the problem. */
export function parseServiceNowCredentials(credentials: unknown): ServiceNowCredentials {
  return parseSettings(credentialsSchema, credentials, 'credentials');
}

/** The Authorization header value for `credentials`. */
export function authorizationHeader(credentials: ServiceNowCredentials): string {
  if ('token' in credentials) return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

/** The JSON Schema of this connector's config and credentials (the console's connect form). */
export const serviceNowSettingsSchemas = describeSettings(configSchema, credentialsSchema);
