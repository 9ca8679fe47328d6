// The setup guide of each integration: the steps a person takes in that system, in order. The
// webhook URL and secret they paste come from the connected project (shown beside the steps).

const webhookStep = 'Paste the webhook URL and secret Lockstep shows after you connect (below).';

export const guides: Readonly<Record<string, readonly string[]>> = {
  JIRA: [
    'In Jira, create an API token for the account Lockstep acts as (id.atlassian.com → Security → API tokens).',
    'Fill in baseUrl (https://<site>.atlassian.net), projectKey, and the account email and API token below, then Connect.',
    'In Jira → Settings → System → WebHooks, create a webhook for issue and comment events of that project. ' + webhookStep,
  ],
  GITHUB: [
    'Create a fine-grained personal token with Issues: read and write on the repository (or install a GitHub App with the same permission).',
    'Fill in owner and repo and the token (or appId, privateKey and installationId) below, then Connect.',
    'In the repository → Settings → Webhooks → Add webhook: content type application/json, events Issues and Issue comments. ' + webhookStep,
  ],
  LINEAR: [
    'In Linear → Settings → API, create a personal API key.',
    'Fill in the team key and the API key below, then Connect.',
    'In Linear → Settings → API → Webhooks, add a webhook for Issues and Comments. ' + webhookStep,
  ],
  SERVICENOW: [
    'Create an integration user with read and write access to the incident table.',
    'Fill in instanceUrl and the user’s credentials below, then Connect.',
    'Add the business rule from Lockstep’s README on the incident table (after insert and update); it posts to the webhook URL with the secret. ' +
      webhookStep,
  ],
  GENERIC_WEBHOOK: [
    'Fill in targetUrl (where Lockstep POSTs each change) and a secret: Lockstep signs its POSTs with X-Lockstep-Signature: sha256=<HMAC-SHA256 of the body with it>.',
    'Connect, then POST changes to the webhook URL signed the same way with the project’s webhook secret. ' + webhookStep,
  ],
  LOCKSTEP_PEER: ['Peer hubs connect with an invitation: createConnectionInvitation on one hub, acceptConnectionInvitation on the other.'],
  ALERTMANAGER: [
    'Connect below (no credentials needed).',
    'In alertmanager.yml add a receiver with webhook_configs: url = the webhook URL, http_config.authorization.credentials = the secret (a Bearer token). Route the alerts you want to it.',
  ],
  GRAFANA: [
    'Connect below.',
    'In Grafana → Alerting → Contact points, add a Webhook contact point with the webhook URL and, under Authorization header, the secret as credentials.',
  ],
  AWS_CLOUDWATCH: [
    'Connect below.',
    'In Amazon SNS create a topic, then an HTTPS subscription to the webhook URL with ?secret=<secret> appended; Lockstep confirms it by itself.',
    'Point your CloudWatch alarms’ actions (ALARM and OK) at that topic.',
  ],
  AZURE_MONITOR: [
    'Connect below.',
    'In Azure Monitor → Action groups, add a Webhook action with the webhook URL and ?secret=<secret>, and enable the common alert schema.',
  ],
  GCP_MONITORING: [
    'Connect below.',
    'In Cloud Monitoring → Alerting → Notification channels, add a Webhook with the webhook URL and ?secret=<secret> (or Basic auth), and attach it to your policies.',
  ],
  DATADOG: [
    'Connect below.',
    'In Datadog → Integrations → Webhooks, add a webhook with the webhook URL and a custom header Authorization: Bearer <secret>; the default payload works, the README gives a fuller template.',
  ],
  PAGERDUTY: [
    'Connect below.',
    'In PagerDuty → Integrations → Generic Webhooks (v3), add a subscription to the webhook URL; deliveries are signed with X-PagerDuty-Signature: v1=<HMAC-SHA256 of the body with the project’s webhook secret>.',
  ],
  SLACK: ['Create a Slack app from the manifest in Lockstep’s README, install it, and fill in the channel, bot token and signing secret below.'],
};
