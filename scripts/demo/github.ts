// The demo's GitHub: a simulator (a real HTTP server speaking the REST subset Octokit calls for
// Issues, firing `X-Hub-Signature-256` webhooks) with repository acme/web, connected two-way with
// an `in progress` status label, and its open issues imported.
import { createGithubSimulator } from '#simulators/github/simulator.ts';
import { connectProject, importProject, type DemoGraphql, type DemoSystem } from './client.ts';

const TITLES = ['Dark mode loses contrast on charts', 'Flaky login test on Safari'];
const TOKEN = 'ghp_simulated';

export async function startDemoGithub(graphql: DemoGraphql): Promise<DemoSystem> {
  const github = createGithubSimulator({ owner: 'acme', repo: 'web', token: TOKEN });
  const baseUrl = await github.start();
  const project = await connectProject(graphql, {
    name: 'GitHub acme/web (simulated)',
    kind: 'GITHUB',
    direction: 'BIDIRECTIONAL',
    config: { owner: 'acme', repo: 'web', baseUrl, statusLabels: { IN_PROGRESS: 'in progress' } },
    credentials: { token: TOKEN },
    defaultStrategy: 'MANUAL',
  });
  github.webhooks.configure({ url: project.webhookUrl, secret: project.webhookSecret });
  github.seed(TITLES.length, (index) => ({ title: TITLES[index] ?? `Issue ${index + 1}`, labels: ['bug'] }));
  await importProject(graphql, project.id);

  const guide = `GitHub (simulated): repository acme/web, ${TITLES.length} issues imported (${baseUrl})

  mutation { updateTicket(input: { id: "<ticket id>", status: IN_PROGRESS }) { ticket { version } } }
      -> issue #1 gets the "in progress" label; RESOLVED closes it as completed

  curl -s -H 'authorization: token ${TOKEN}' -X PATCH ${baseUrl}/repos/acme/web/issues/1 \\
       -H 'content-type: application/json' -d '{"title":"Changed on GitHub","state":"closed","state_reason":"completed"}'
      -> a signed "issues" webhook reaches Lockstep; the ticket is renamed and RESOLVED
  curl -s -H 'authorization: token ${TOKEN}' ${baseUrl}/repos/acme/web/issues/1 | head -c 400; echo

  mutation { linkTicket(input: { ticketId: "<a Jira ticket's id>", projectId: "${project.id}" }) { pushJob { id } } }
      -> the Jira issue's ticket gets a GitHub issue too; edit either side and the other follows`;
  return { guide, stop: () => github.stop() };
}
