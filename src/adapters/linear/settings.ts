// A LINEAR project's settings as the admin types them into `connectExternalProject`: which team
// (by key), where the API is (Linear's, or the simulator on loopback), how hub statuses and users
// map to Linear's, and what to do with a label the team does not have; plus the API key.
// Parsed when the project is connected and again whenever a session opens.

import { describeSettings } from '#adapters/shared/settings-schemas.ts';
import { z } from 'zod';
import { expected, httpUrl, nonEmptyString, parseSettings } from '#adapters/shared/parsing.ts';
import { ticketStatuses, type TicketStatus } from '#domain/ticket/fields.ts';

/** Linear's public GraphQL endpoint. */
export const defaultApiUrl = 'https://api.linear.app/graphql';

/** Accepts `RESOLVED` as well as `resolved` for hub statuses. */
function lowerKeys(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [key.toLowerCase(), value]));
}

/** Hosts @linear/sdk lets us reach over plain HTTP (a simulator on this machine). */
const localHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

const hubStatus = z.enum(ticketStatuses, { error: `must be one of ${ticketStatuses.join(', ')}` });

const configSchema = z
  .object({
    teamKey: z
      .string({ error: expected('a Linear team key') })
      .trim()
      .regex(/^[A-Za-z0-9]{1,10}$/, { error: 'must be a Linear team key (letters and digits, e.g. ENG)' })
      .transform((key) => key.toUpperCase()),
    /** HTTPS, or plain HTTP to this machine only (as @linear/sdk requires). */
    apiUrl: httpUrl
      .refine((url) => new URL(url).protocol === 'https:' || localHosts.has(new URL(url).hostname), {
        error: 'must use https:// (plain http:// only to localhost, 127.0.0.1 or [::1])',
      })
      .default(defaultApiUrl),
    /** Hub status -> workflow state name; other statuses go by state type. */
    statusMap: z.preprocess(lowerKeys, z.partialRecord(hubStatus, nonEmptyString)).optional(),
    /** Hub user -> Linear user email. */
    userMap: z.record(nonEmptyString, z.email({ error: 'must be an email address' })).optional(),
    /** A hub label the team lacks: `create` it (default) or `refuse` the push with a sync error. */
    missingLabels: z.enum(['create', 'refuse'], { error: 'must be create or refuse' }).default('create'),
  })
  .strict()
  .transform((config) => Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as LinearConfig);

const credentialsSchema = z.object({ apiKey: nonEmptyString }, { error: 'must be {apiKey}' }).strict();

/** A LINEAR project's config, normalised. */
export type LinearConfig = {
  readonly teamKey: string;
  readonly apiUrl: string;
  readonly statusMap?: Partial<Record<TicketStatus, string>>;
  readonly userMap?: Record<string, string>;
  readonly missingLabels: 'create' | 'refuse';
};

/** A personal API key (sent as `Authorization: <key>`, as the SDK does). */
export type LinearCredentials = z.output<typeof credentialsSchema>;

/** Validated config; throws InvalidConnectorSettings (`config.teamKey: ...`). */
export function parseLinearConfig(config: unknown): LinearConfig {
  return parseSettings(configSchema, config, 'config');
}

/** Validated credentials; throws InvalidConnectorSettings naming the problem. */
export function parseLinearCredentials(credentials: unknown): LinearCredentials {
  return parseSettings(credentialsSchema, credentials, 'credentials');
}

/** The JSON Schema of this connector's config and credentials (the console's connect form). */
export const linearSettingsSchemas = describeSettings(configSchema, credentialsSchema);
