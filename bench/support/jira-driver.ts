// The Jira bench's tracker: the Jira simulator's OPS project through the JIRA connector; a person's
// edit fires the signed `jira:issue_updated` webhook (`X-Hub-Signature`); the direct write is one
// `PUT /rest/api/3/issue/{key}`.
import { randomUUID } from 'node:crypto';
import { createJiraConnector } from '#adapters/jira/connector.ts';
import { headerValue, signatureHeader, verifySignatureHeader } from '#adapters/shared/signatures.ts';
import { createJiraSimulator } from '#simulators/jira/simulator.ts';
import type { TrackerDriver, TrackerSimulator } from './tracker-driver.ts';

const projectKey = 'OPS';
const credentials = { email: 'bot@example.com', apiToken: 'api-token' };

/** Jira, as the tracker bench drives it. */
export const jiraDriver: TrackerDriver = {
  name: 'Jira',
  tag: 'jira',
  noun: 'issue',
  seededTitle: (index) => `Imported ${projectKey} issue #${String(index + 1).padStart(5, '0')}.`,
  connector: () => createJiraConnector(),
  deliveryBaseline: 'signed webhook POST to a loopback server',
  deliveryProof: (secret, body) => ({
    headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': randomUUID(), 'x-hub-signature': signatureHeader(secret, body) },
    query: {},
  }),
  deliveryValid: (delivery, secret) => verifySignatureHeader(headerValue(delivery.headers, 'x-hub-signature'), delivery.rawBody, [secret]),
  directBaseline: 'one PUT issue on the simulator',

  async start(): Promise<TrackerSimulator> {
    const jira = createJiraSimulator({ projectKey });
    const baseUrl = await jira.start();
    const authorization = `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64')}`;
    return {
      connectInput: { name: `Jira ${projectKey}`, kind: 'JIRA', config: { baseUrl, projectKey }, credentials },
      seed: async (count, title) => jira.seed(count, (index) => ({ summary: title(index) })).map((issue) => issue.key),
      configureDeliveries: (url, secret) => jira.webhooks.configure({ url, secret }),
      settled: () => jira.webhooks.settled(),
      personRetitle(key, title) {
        const before = jira.webhooks.deliveries.length;
        jira.personEdit(key, { summary: title });
        const delivery = jira.webhooks.deliveries[before];
        if (delivery?.issueKey !== key || jira.webhooks.deliveries.length !== before + 1) return `personEdit(${key}) did not queue exactly its own webhook`;
        return delivery;
      },
      titleOf(key) {
        const issue = jira.issue(key);
        return issue && { title: issue.summary, changedMs: issue.updatedMs };
      },
      get calls() {
        return jira.calls;
      },
      resetCalls: () => jira.resetCalls(),
      directRetitle: (key, title) => ({
        url: `${baseUrl}/rest/api/3/issue/${key}`,
        method: 'PUT',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
        body: JSON.stringify({ fields: { summary: title } }),
        okStatus: 204,
      }),
      stop: () => jira.stop(),
    };
  },
};
