// The SERVICENOW connector: incidents (or another task table) kept in step through the Table API.
// Deliveries come from a business rule the admin pastes (README), proven by the webhook secret
// and followed by a read of the record; changes can also be polled and imported by
// `sys_updated_on`; outbound changes PATCH only the changed fields. See settings.ts for config
// and credentials, mapping.ts for the field rules, comments.ts for the `comments` journal.

import type { Connector } from '#domain/project/connector.ts';
import { trackerCapabilities } from '#adapters/shared/tracker-capabilities.ts';
import { parseServiceNowDelivery, verifyServiceNowDelivery } from './inbound.ts';
import { openServiceNowSession, type ServiceNowSessionOptions } from './session.ts';
import { parseServiceNowConfig, parseServiceNowCredentials, serviceNowSettingsSchemas } from './settings.ts';

/** Connector tuning (tests shorten the request timeout and the page size). */
export type ServiceNowConnectorOptions = ServiceNowSessionOptions;

/** The ServiceNow connector. */
export function createServiceNowConnector(options: ServiceNowConnectorOptions = {}): Connector {
  return {
    kind: 'servicenow',
    capabilities: trackerCapabilities,
    parseConfig: (config) => parseServiceNowConfig(config),
    parseCredentials: (credentials) => parseServiceNowCredentials(credentials),
    settingsSchemas: serviceNowSettingsSchemas,
    verifyDelivery: (delivery, secrets) => verifyServiceNowDelivery(delivery, secrets),
    parseDelivery: (delivery, config) => parseServiceNowDelivery(delivery, config),
    // Stored settings are parsed again: a value edited behind our back fails here, naming the field.
    open(settings) {
      const credentials = parseServiceNowCredentials(settings.credentials);
      return openServiceNowSession(parseServiceNowConfig(settings.config), credentials, options);
    },
  };
}
