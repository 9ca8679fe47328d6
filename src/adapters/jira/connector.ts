// The JIRA connector: Lockstep's flagship two-way integration with Jira Cloud (and Data Center, or
// the simulator on loopback) through REST v3 as jira.js speaks it. Deliveries arrive by Jira
// webhook (signed `X-Hub-Signature`, or `?secret=`), changes can also be polled and imported with
// the enhanced JQL search, and outbound changes edit fields and walk the workflow's transitions.
// See settings.ts for config and credentials, mapping.ts for the field rules, custom-fields.ts for
// custom fields (mirrored by default once configured: see `configuredFields`).

import type { Connector } from '#domain/project/connector.ts';
import { trackerCapabilities } from '#adapters/shared/tracker-capabilities.ts';
import { customFieldKey } from '#domain/ticket/fields.ts';
import { parseJiraDelivery, verifyJiraDelivery } from './inbound.ts';
import { openJiraSession, type JiraSessionOptions } from './session.ts';
import { createSiteKnowledge } from './site-knowledge.ts';
import { parseJiraConfig, parseJiraCredentials, jiraSettingsSchemas } from './settings.ts';

/** Connector tuning (tests shorten the request timeout and the page size). */
export type JiraConnectorOptions = JiraSessionOptions;

/** The Jira connector. */
export function createJiraConnector(options: JiraConnectorOptions = {}): Connector {
  const siteOf = createSiteKnowledge();
  return {
    kind: 'jira',
    capabilities: trackerCapabilities,
    parseConfig: (config) => parseJiraConfig(config),
    parseCredentials: (credentials) => parseJiraCredentials(credentials),
    settingsSchemas: jiraSettingsSchemas,
    verifyDelivery: (delivery, secrets) => verifyJiraDelivery(delivery, secrets),
    parseDelivery: (delivery, config) => parseJiraDelivery(delivery, config),
    configuredFields: (config) => Object.keys(parseJiraConfig(config).customFields ?? {}).map(customFieldKey),
    open(settings) {
      // Stored settings are parsed again: a value edited behind our back fails here, naming the field.
      const config = parseJiraConfig(settings.config);
      return openJiraSession(config, parseJiraCredentials(settings.credentials), { ...options, site: siteOf(config.baseUrl, config.projectKey) });
    },
  };
}
