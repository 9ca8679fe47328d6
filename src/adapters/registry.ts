// Which connectors this Lockstep build ships, looked up by integration kind. The engine, the
// webhook route and the GraphQL `connectExternalProject` mutation all ask here, so adding a
// connector is one line below and nothing else learns its name.

import type { Connector } from '#domain/project/connector.ts';
import type { IntegrationKind } from '#domain/project/kinds.ts';
import { createAlertmanagerConnector } from './alertmanager/connector.ts';
import { createCloudWatchConnector } from './aws-cloudwatch/connector.ts';
import { createAzureMonitorConnector } from './azure-monitor/connector.ts';
import { createDatadogConnector } from './datadog/connector.ts';
import { createGcpMonitoringConnector } from './gcp-monitoring/connector.ts';
import { createGenericWebhookConnector } from './generic-webhook/connector.ts';
import { createGithubConnector } from './github/connector.ts';
import { createGrafanaConnector } from './grafana/connector.ts';
import { createJiraConnector } from './jira/connector.ts';
import { createLinearConnector } from './linear/connector.ts';
import { createPeerConnector } from './lockstep-peer/connector.ts';
import { createPagerDutyConnector } from './pagerduty/connector.ts';
import { createServiceNowConnector } from './servicenow/connector.ts';
import { createSlackConnector } from './slack/connector.ts';

/** The connectors available, by kind. */
export interface ConnectorRegistry {
  /** The connector of `kind`, or undefined when this build has none. */
  get(kind: IntegrationKind): Connector | undefined;
  /** The kinds with a connector, in registration order. */
  kinds(): IntegrationKind[];
}

/** The built-in connectors, one per kind. */
function builtInConnectors(): Connector[] {
  return [
    createGenericWebhookConnector(),
    createJiraConnector(),
    createGithubConnector(),
    createLinearConnector(),
    createPeerConnector(),
    createAlertmanagerConnector(),
    createGrafanaConnector(),
    createServiceNowConnector(),
    createCloudWatchConnector(),
    createAzureMonitorConnector(),
    createGcpMonitoringConnector(),
    createDatadogConnector(),
    createPagerDutyConnector(),
    createSlackConnector(),
  ];
}

/** A registry of `connectors` (the built-in ones by default); throws when two share a kind. */
export function createConnectorRegistry(connectors: readonly Connector[] = builtInConnectors()): ConnectorRegistry {
  const byKind = new Map<IntegrationKind, Connector>();
  for (const connector of connectors) {
    if (byKind.has(connector.kind)) throw new Error(`two connectors registered for kind ${connector.kind}`);
    byKind.set(connector.kind, connector);
  }
  return {
    get: (kind) => byKind.get(kind),
    kinds: () => [...byKind.keys()],
  };
}
