// What every two-way issue tracker connector can do (Jira, GitHub, Linear, ServiceNow): receive
// webhooks, be read, polled and imported, take creates and updates, and mirror comments.
import type { ConnectorCapabilities } from '#domain/project/connector.ts';

export const trackerCapabilities: ConnectorCapabilities = {
  receivesWebhooks: true,
  canFetch: true,
  canCreate: true,
  canUpdate: true,
  syncModes: ['webhook', 'polling', 'hybrid'],
  mirrorsComments: true,
};
