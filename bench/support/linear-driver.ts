// The Linear bench's tracker: the Linear simulator's ENG team through the LINEAR connector (an API
// key, `apiUrl` on the simulator); a person's edit fires the signed `Issue` `update` webhook
// (`Linear-Signature`, `Linear-Delivery`, `webhookTimestamp`); the direct write is one
// `issueUpdate` mutation, the very document the connector sends.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLinearConnector } from '#adapters/linear/connector.ts';
import { issueUpdateMutation } from '#adapters/linear/documents.ts';
import { verifyLinearDelivery } from '#adapters/linear/inbound.ts';
import { hmacSha256Hex } from '#adapters/shared/signatures.ts';
import { createLinearSimulator } from '#simulators/linear/simulator.ts';
import type { TrackerDriver, TrackerSimulator } from './tracker-driver.ts';

/** Linear, as the tracker bench drives it. */
export const linearDriver: TrackerDriver = {
  name: 'Linear',
  tag: 'linear',
  noun: 'issue',
  seededTitle: (index) => `Imported ENG issue #${String(index + 1).padStart(5, '0')}.`,
  connector: () => createLinearConnector(),
  deliveryBaseline: 'signed webhook POST to a loopback server',
  deliveryProof: (secret, body) => ({
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'linear-delivery': randomUUID(),
      'linear-event': 'Issue',
      'linear-signature': hmacSha256Hex(secret, body),
    },
    query: {},
  }),
  // The replayed bodies keep their `webhookTimestamp`: seconds old, well inside the replay guard.
  deliveryValid: (delivery, secret) => verifyLinearDelivery(delivery, [secret]),
  directBaseline: 'one issueUpdate on the simulator',

  async start(): Promise<TrackerSimulator> {
    const linear = createLinearSimulator({ teamKey: 'ENG' });
    const apiUrl = await linear.start();
    const { apiKey } = linear;
    return {
      connectInput: { name: 'Linear ENG', kind: 'LINEAR', config: { teamKey: 'ENG', apiUrl }, credentials: { apiKey } },
      async seed(count, title) {
        const issues = linear.seed(count, (index) => ({ title: title(index) }));
        // Linear's clock never repeats a millisecond, so seeding thousands of issues runs it ahead of
        // real time; wait until it is back, so that later edits are stamped when they happen.
        const last = Math.max(0, ...issues.map((issue) => issue.updatedAt));
        await sleep(Math.max(0, last - Date.now() + 1));
        return issues.map((issue) => issue.id);
      },
      configureDeliveries: (url, secret) => linear.webhooks.configure({ url, secret }),
      settled: () => linear.webhooks.settled(),
      personRetitle(id, title) {
        const before = linear.webhooks.deliveries.length;
        linear.personEdit(id, { title });
        const delivery = linear.webhooks.deliveries[before];
        if (delivery?.entityId !== id || delivery.type !== 'Issue' || linear.webhooks.deliveries.length !== before + 1) {
          return `personEdit(${id}) did not queue exactly its own webhook`;
        }
        return delivery;
      },
      titleOf(id) {
        const issue = linear.store.issues.get(id);
        return issue && { title: issue.title, changedMs: issue.updatedAt };
      },
      get calls() {
        return linear.calls;
      },
      resetCalls: () => linear.resetCalls(),
      directRetitle: (id, title) => ({
        url: apiUrl,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: apiKey },
        body: JSON.stringify({ query: issueUpdateMutation, variables: { id, input: { title } } }),
        okStatus: 200,
      }),
      stop: () => linear.stop(),
    };
  },
};
