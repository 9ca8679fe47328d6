// The GitHub bench's tracker: the GitHub simulator's acme/web repository through the GITHUB
// connector (a token); a person's edit fires the signed `issues` `edited` webhook
// (`X-Hub-Signature-256`, `X-GitHub-Delivery`); the direct write is one
// `PATCH /repos/{owner}/{repo}/issues/{number}`.
import { randomUUID } from 'node:crypto';
import { createGithubConnector } from '#adapters/github/connector.ts';
import { verifyGithubDelivery } from '#adapters/github/inbound.ts';
import { signatureHeader } from '#adapters/shared/signatures.ts';
import { createGithubSimulator } from '#simulators/github/simulator.ts';
import type { TrackerDriver, TrackerSimulator } from './tracker-driver.ts';

const token = 'ghp_simulated';

/** GitHub Issues, as the tracker bench drives it. */
export const githubDriver: TrackerDriver = {
  name: 'GitHub',
  tag: 'github',
  noun: 'issue',
  seededTitle: (index) => `Imported acme/web issue #${String(index + 1).padStart(5, '0')}.`,
  connector: () => createGithubConnector(),
  deliveryBaseline: 'signed webhook POST to a loopback server',
  deliveryProof: (secret, body) => ({
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': signatureHeader(secret, body),
    },
    query: {},
  }),
  deliveryValid: (delivery, secret) => verifyGithubDelivery(delivery, [secret]),
  directBaseline: 'one PATCH issue on the simulator',

  async start(): Promise<TrackerSimulator> {
    const github = createGithubSimulator({ token });
    const baseUrl = await github.start();
    const { owner, repo } = github;
    return {
      connectInput: { name: `GitHub ${owner}/${repo}`, kind: 'GITHUB', config: { owner, repo, baseUrl }, credentials: { token } },
      seed: async (count, title) => github.seed(count, (index) => ({ title: title(index) })).map((issue) => String(issue.number)),
      configureDeliveries: (url, secret) => github.webhooks.configure({ url, secret }),
      settled: () => github.webhooks.settled(),
      personRetitle(id, title) {
        const before = github.webhooks.deliveries.length;
        github.personEdit(Number(id), { title });
        const delivery = github.webhooks.deliveries[before];
        const about = delivery && (JSON.parse(delivery.body) as { issue?: { number?: number } }).issue?.number;
        if (about !== Number(id) || delivery?.action !== 'edited' || github.webhooks.deliveries.length !== before + 1) {
          return `personEdit(#${id}) did not queue exactly its own webhook`;
        }
        return delivery;
      },
      titleOf(id) {
        const issue = github.issue(Number(id));
        return issue && { title: issue.title, changedMs: issue.updatedMs };
      },
      get calls() {
        return github.calls;
      },
      resetCalls: () => github.resetCalls(),
      directRetitle: (id, title) => ({
        url: `${baseUrl}/repos/${owner}/${repo}/issues/${id}`,
        method: 'PATCH',
        headers: { 'content-type': 'application/json', accept: 'application/vnd.github+json', authorization: `token ${token}` },
        body: JSON.stringify({ title }),
        okStatus: 200,
      }),
      stop: () => github.stop(),
    };
  },
};
