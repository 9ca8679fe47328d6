// What a GENERIC_WEBHOOK connection needs to know: where to POST (`config.targetUrl`) and the
// secret that signs those POSTs (`credentials.secret`). Parsed with zod when the admin connects
// the project and again whenever a session opens, so a bad stored value fails with a message
// naming the field instead of a confusing network error later.

import { z } from 'zod';
import { expected, httpUrl, parseSettings } from '#adapters/shared/parsing.ts';

const configSchema = z.object({ targetUrl: httpUrl });

const credentialsSchema = z.object({
  secret: z.string({ error: expected('a non-empty string') }).min(1, { error: 'must not be empty' }),
});

/** Where Lockstep POSTs changes. */
export type GenericWebhookConfig = z.output<typeof configSchema>;

/** The secret signing outbound POSTs. */
export type GenericWebhookCredentials = z.output<typeof credentialsSchema>;

/** Validated, normalised config; throws InvalidConnectorSettings (`config.targetUrl: ...`). */
export function parseGenericWebhookConfig(config: unknown): GenericWebhookConfig {
  return parseSettings(configSchema, config, 'config');
}

/** Validated credentials; throws InvalidConnectorSettings (`credentials.secret: ...`). */
export function parseGenericWebhookCredentials(credentials: unknown): GenericWebhookCredentials {
  return parseSettings(credentialsSchema, credentials, 'credentials');
}
