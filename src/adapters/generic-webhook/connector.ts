// The GENERIC_WEBHOOK connector: Lockstep speaking plain signed JSON over HTTP, for any system
// that can receive a webhook and send one back. It is the reference connector: the smallest one
// that exercises the whole port (settings, signed outbound changes, verified inbound deliveries),
// and the wire format is the public contract in CONTRACT.md, "Generic webhook connection".
// Its settings: where to POST (`config.targetUrl`) and the secret signing those POSTs
// (`credentials.secret`), parsed when the admin connects and again whenever a session opens.

import { z } from 'zod';
import { describeSettings } from '#adapters/shared/settings-schemas.ts';
import type { Connector } from '#domain/project/connector.ts';
import { expected, httpUrl, parseSettings } from '#adapters/shared/parsing.ts';
import { parseGenericDelivery, verifyGenericDelivery } from './inbound.ts';
import { openGenericWebhookSession, type GenericWebhookSessionOptions } from './session.ts';

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

/** Connector tuning (tests shorten the request timeout). */
export type GenericWebhookConnectorOptions = GenericWebhookSessionOptions;

/** The generic webhook connector. */
export function createGenericWebhookConnector(options: GenericWebhookConnectorOptions = {}): Connector {
  return {
    kind: 'generic_webhook',
    capabilities: {
      receivesWebhooks: true,
      canFetch: false,
      canCreate: true,
      canUpdate: true,
      syncModes: ['webhook'],
    },
    parseConfig: (config) => parseGenericWebhookConfig(config),
    parseCredentials: (credentials) => parseGenericWebhookCredentials(credentials),
    settingsSchemas: describeSettings(configSchema, credentialsSchema),
    verifyDelivery: (delivery, secrets) => verifyGenericDelivery(delivery, secrets),
    parseDelivery: (delivery) => parseGenericDelivery(delivery),
    open(settings) {
      // Stored settings are parsed again: a value edited behind our back fails here, naming the field.
      const config = parseGenericWebhookConfig(settings.config);
      const credentials = parseGenericWebhookCredentials(settings.credentials);
      return openGenericWebhookSession(config, credentials, options);
    },
  };
}
