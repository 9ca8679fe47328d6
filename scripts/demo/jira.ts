// The demo's Jira: a simulator (a real HTTP server speaking the Jira REST v3 subset Lockstep uses,
// firing signed webhooks) with project OPS and a custom Team select, connected two-way and imported.
import { createJiraSimulator, sampleCustomFields, type JiraSimulator } from '#simulators/jira/simulator.ts';
import type { SimWorkflow } from '#simulators/jira/store.ts';
import { connectProject, importProject, type DemoGraphql, type DemoSystem } from './client.ts';

/** Any status from any other, with an Acknowledged step for on-call work. */
const workflow: SimWorkflow = {
  statuses: { 'To Do': 'new', Acknowledged: 'indeterminate', 'In Progress': 'indeterminate', Blocked: 'indeterminate', Done: 'done', Closed: 'done' },
  initial: 'To Do',
  transitions: ['To Do', 'Acknowledged', 'In Progress', 'Blocked', 'Done', 'Closed'].map((to, index) => ({ id: String(11 + index * 10), name: to, from: null, to })),
};

/** The demo's Jira, with what the alert part of the demo needs to route to it. */
export interface DemoJira extends DemoSystem {
  readonly jira: JiraSimulator;
  readonly projectId: string;
}

const SUMMARIES = ['Checkout returns 500', 'Search is slow for EU users', 'Rotate the TLS certificates'];

export async function startDemoJira(graphql: DemoGraphql): Promise<DemoJira> {
  const jira = createJiraSimulator({ projectKey: 'OPS', workflow, customFields: [sampleCustomFields.team] });
  const jiraUrl = await jira.start();
  const project = await connectProject(graphql, {
    name: 'Jira OPS (simulated)',
    kind: 'JIRA',
    direction: 'BIDIRECTIONAL',
    config: { baseUrl: jiraUrl, projectKey: 'OPS', customFields: { team: { fieldId: 'customfield_10050', options: { payments: '10100', platform: '10101' } } } },
    credentials: { email: 'bot@example.com', apiToken: 'api-token' },
    defaultStrategy: 'MANUAL',
    syncMode: 'HYBRID',
    pollIntervalSeconds: 30,
  });
  jira.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret });
  jira.seed(SUMMARIES.length, (index) => ({ summary: SUMMARIES[index] ?? `Issue ${index + 1}`, labels: ['demo'] }));
  await importProject(graphql, project.id);

  const auth = Buffer.from('bot@example.com:api-token').toString('base64');
  const guide = `Jira (simulated): project OPS, ${SUMMARIES.length} issues imported (${jiraUrl}/rest/api/3)

  mutation { updateTicket(input: { id: "<ticket id>", status: IN_PROGRESS, title: "Checkout returns 500 on EU cards" }) { ticket { version } } }
      -> the issue in Jira moves to "In Progress" and is renamed (see the curl below)

  subscription { ticketChanged(id: "<ticket id>") { title status } }
      -> then change the issue on the Jira side:

  curl -s -u bot@example.com:api-token -X PUT ${jiraUrl}/rest/api/3/issue/OPS-1 \\
       -H 'content-type: application/json' -d '{"fields":{"summary":"Changed in Jira"}}'
  curl -s -H 'authorization: Basic ${auth}' ${jiraUrl}/rest/api/3/issue/OPS-1 | head -c 400; echo

  mutation { updateTicket(input: { id: "<ticket id>", customFields: { team: "platform" } }) { ticket { customFields } } }
      -> the issue's Team select becomes Platform (a Jira custom field, set by option id)

  mutation { addComment(input: { ticketId: "<ticket id>", body: "Rolled back **v2.3**" }) { comment { id } } }
      -> the comment appears on the issue in Jira; comment there and it comes back:

  curl -s -u bot@example.com:api-token -X POST ${jiraUrl}/rest/api/3/issue/OPS-1/comment \\
       -H 'content-type: application/json' \\
       -d '{"body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Seen again at 10:42"}]}]}}'
  { ticket(id: "<ticket id>") { comments(first: 20) { edges { node { author body origin } } } } }

  mutation { createTicket(input: { title: "Made in Lockstep" }) { ticket { id } } }
  mutation { linkTicket(input: { ticketId: "<that id>", projectId: "${project.id}" }) { pushJob { id } } }
      -> creates a new issue in Jira (OPS-4 is the alert's)`;
  return { guide, stop: () => jira.stop(), jira, projectId: project.id };
}
