// The LINEAR connector: two-way sync with one Linear team through @linear/sdk (Linear's GraphQL
// API, or the simulator on loopback through `apiUrl`). Deliveries arrive by Linear webhook
// (`Linear-Signature`, or `?secret=`, within a minute of `webhookTimestamp`), issues can also be
// polled and imported by `updatedAt`, and outbound changes are issueUpdate calls carrying only the
// changed fields. See settings.ts for config and credentials, mapping.ts for the field rules.

import type { Connector } from '#domain/project/connector.ts';
import { trackerCapabilities } from '#adapters/shared/tracker-capabilities.ts';
import { parseLinearDelivery, verifyLinearDelivery } from './inbound.ts';
import { openLinearSession, type LinearSessionOptions } from './session.ts';
import { parseLinearConfig, parseLinearCredentials, linearSettingsSchemas } from './settings.ts';
import { createTeamMemory, type TeamMemory } from './team.ts';

/** Connector tuning (tests shorten the timeout and the page size). */
export type LinearConnectorOptions = Omit<LinearSessionOptions, 'memory'>;

/** The Linear connector. */
export function createLinearConnector(options: LinearConnectorOptions = {}): Connector {
  const memories = new Map<string, TeamMemory>();
  return {
    kind: 'linear',
    capabilities: trackerCapabilities,
    parseConfig: (config) => parseLinearConfig(config),
    parseCredentials: (credentials) => parseLinearCredentials(credentials),
    settingsSchemas: linearSettingsSchemas,
    verifyDelivery: (delivery, secrets) => verifyLinearDelivery(delivery, secrets),
    parseDelivery: (delivery, config) => parseLinearDelivery(delivery, config),
    open(settings) {
      // Stored settings are parsed again: a value edited behind our back fails here, naming the field.
      const config = parseLinearConfig(settings.config);
      const key = `${settings.projectId}|${config.apiUrl}|${config.teamKey}`;
      let memory = memories.get(key);
      if (!memory) memories.set(key, (memory = createTeamMemory()));
      const credentials = parseLinearCredentials(settings.credentials);
      return openLinearSession(settings.projectId, config, credentials, { ...options, memory });
    },
  };
}
