// Which connectors this Lockstep build ships, looked up by integration kind. The engine, the
// webhook route and the GraphQL `connectExternalProject` mutation all ask here, so adding a
// connector is one line below and nothing else learns its name.

import type { Connector } from '#domain/project/connector.ts';
import type { IntegrationKind } from '#domain/project/kinds.ts';
import { createGenericWebhookConnector } from './generic-webhook/connector.ts';
import { createJiraConnector } from './jira/connector.ts';
import { createLinearConnector } from './linear/connector.ts';
import { createPeerConnector } from './lockstep-peer/connector.ts';
import { createServiceNowConnector } from './servicenow/connector.ts';

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
    createLinearConnector(),
    createPeerConnector(),
    createServiceNowConnector(),
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
