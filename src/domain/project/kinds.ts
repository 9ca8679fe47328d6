// The kinds of external systems a project can connect to, its lifecycle states and sync modes.
// Lower case in the domain; GraphQL upper-cases them.

/** Every integration kind of the public contract. */
export const integrationKinds = [
  'jira',
  'github',
  'linear',
  'servicenow',
  'generic_webhook',
  'lockstep_peer',
  'alertmanager',
  'grafana',
  'aws_cloudwatch',
  'azure_monitor',
  'gcp_monitoring',
  'datadog',
  'pagerduty',
  'slack',
] as const;
export type IntegrationKind = (typeof integrationKinds)[number];

/** Lifecycle: configuring -> active <-> paused; error after repeated failures; disconnected when credentials are refused. */
export const projectStatuses = ['configuring', 'active', 'paused', 'error', 'disconnected'] as const;
export type ProjectStatus = (typeof projectStatuses)[number];

/** Whether the other side has proved it can reach our webhook: none -> pending -> active. */
export const handshakeStatuses = ['none', 'pending', 'active'] as const;
export type HandshakeStatus = (typeof handshakeStatuses)[number];

/** How changes are learnt from the project: pushed to our webhook, polled, or both. */
export const syncModes = ['webhook', 'polling', 'hybrid'] as const;
export type SyncMode = (typeof syncModes)[number];

/** How people call each system: the console's catalog and setup guides use these names. */
export const productNames: Readonly<Record<IntegrationKind, string>> = {
  jira: 'Jira',
  github: 'GitHub',
  linear: 'Linear',
  servicenow: 'ServiceNow',
  generic_webhook: 'Generic webhook',
  lockstep_peer: 'Lockstep hub',
  alertmanager: 'Prometheus Alertmanager',
  grafana: 'Grafana',
  aws_cloudwatch: 'AWS CloudWatch',
  azure_monitor: 'Azure Monitor',
  gcp_monitoring: 'GCP Cloud Monitoring',
  datadog: 'Datadog',
  pagerduty: 'PagerDuty',
  slack: 'Slack',
};
