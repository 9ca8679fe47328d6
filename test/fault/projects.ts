// The two projects every fault test connects: a generic-webhook receiver Lockstep pushes to, and
// a generic-webhook source whose signed deliveries make up the burst.
import type { GraphQLClient } from '#test/support/graphql-client.ts';

const CONNECT = `mutation($input: ConnectExternalProjectInput!) {
  connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } }
}`;

/** What the tests need of the two projects. */
export interface FaultProjects {
  readonly receiverId: string;
  readonly sourceId: string;
  readonly source: { readonly webhookUrl: string; readonly secret: string };
}

/** Connects the receiver (PUSH to `receiverUrl`, signed with `receiverSecret`) and the source (PULL). */
export async function connectFaultProjects(admin: GraphQLClient, receiverUrl: string, receiverSecret: string): Promise<FaultProjects> {
  const connect = async (input: Record<string, unknown>) =>
    (await admin.run<{ connectExternalProject: { project: { id: string; webhookUrl: string; webhookSecret: string } } }>(CONNECT, { input }))
      .connectExternalProject.project;
  const receiver = await connect({
    name: 'Receiver',
    kind: 'GENERIC_WEBHOOK',
    direction: 'PUSH',
    config: { targetUrl: receiverUrl },
    credentials: { secret: receiverSecret },
  });
  const source = await connect({ name: 'Source', kind: 'GENERIC_WEBHOOK', direction: 'PULL', config: { targetUrl: receiverUrl }, credentials: { secret: 'unused' } });
  return { receiverId: receiver.id, sourceId: source.id, source: { webhookUrl: source.webhookUrl, secret: source.webhookSecret } };
}
