// The catalog of integrations this build ships: each kind with the name people know it by, what it
// can do, and the JSON Schema of its config and credentials, so a front end (the console's catalog)
// can offer a connect form for any kind without knowing the connectors.
import { productNames, type IntegrationKind, type SyncMode } from '#domain/project/kinds.ts';
import type { Connector } from '#domain/project/connector.ts';
import { syncDirections, type SyncDirection } from '#domain/sync/policy.ts';
import { builder } from './builder.ts';
import { IntegrationKindEnum, SyncDirectionEnum, SyncModeEnum } from './enums.ts';

const IntegrationRef = builder.objectRef<Connector>('Integration').implement({
  description: 'An external system Lockstep can connect to.',
  fields: (t) => ({
    kind: t.field({ type: IntegrationKindEnum, resolve: (connector) => connector.kind }),
    productName: t.string({ description: 'The product’s name, e.g. "Jira" or "AWS CloudWatch".', resolve: (connector) => productNames[connector.kind] }),
    receivesWebhooks: t.boolean({ description: 'The system posts deliveries to the project’s webhookUrl.', resolve: (connector) => connector.capabilities.receivesWebhooks }),
    canCreate: t.boolean({ description: 'Tickets can be linked to it (their item created there).', resolve: (connector) => connector.capabilities.canCreate }),
    directions: t.field({
      type: [SyncDirectionEnum],
      resolve: (connector): SyncDirection[] => [...(connector.capabilities.directions ?? syncDirections)],
    }),
    syncModes: t.field({ type: [SyncModeEnum], resolve: (connector): SyncMode[] => [...connector.capabilities.syncModes] }),
    configSchema: t.field({
      type: 'JSON',
      description: 'JSON Schema of connectExternalProject’s `config` for this kind.',
      resolve: (connector) => connector.settingsSchemas?.config ?? { type: 'object' },
    }),
    credentialsSchema: t.field({
      type: 'JSON',
      description: 'JSON Schema of connectExternalProject’s `credentials` for this kind.',
      resolve: (connector) => connector.settingsSchemas?.credentials ?? { type: 'object' },
    }),
  }),
});

builder.queryField('integrations', (t) =>
  t.field({
    type: [IntegrationRef],
    description: 'Every kind of system this build can connect, in catalog order.',
    authScopes: { viewer: true },
    resolve: (_root, _args, { services }) =>
      services.connectors
        .kinds()
        .map((kind: IntegrationKind) => services.connectors.get(kind))
        .filter((connector): connector is Connector => connector !== undefined),
  }),
);
