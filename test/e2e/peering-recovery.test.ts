// A peering handshake the accepting hub did not finish: the inviting hub committed the acceptance
// but its answer never arrived (a proxy drops it). Accepting the same invitation again finishes
// the same handshake on both hubs, and the peers then sync.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';

const environments: TestEnvironment[] = [];
let hubA: RunningLockstep;
let hubB: RunningLockstep;
let proxy: Server;
let target = '';
let dropNextAcceptAnswer = true;

/** Forwards to hub A; the first answer to an acceptance is lost after A has handled it. */
function startProxy(): Promise<string> {
  proxy = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const forwarded = await fetch(`${target}${request.url ?? '/'}`, {
      method: request.method ?? 'GET',
      headers: Object.fromEntries(Object.entries(request.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'content-length')) as Record<string, string>,
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
    });
    const body = Buffer.from(await forwarded.arrayBuffer());
    if (dropNextAcceptAnswer && request.url?.startsWith('/api/peering/accept')) {
      dropNextAcceptAnswer = false;
      response.destroy();
      return;
    }
    response.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/json' });
    response.end(body);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  const proxyUrl = await startProxy();
  const a = createTestEnvironment();
  const b = createTestEnvironment();
  environments.push(a, b);
  [hubA, hubB] = await Promise.all([startInProcess(a, { LOCKSTEP_PUBLIC_URL: proxyUrl }), startInProcess(b)]);
  target = hubA.url;
});

afterAll(async () => {
  await Promise.all([hubA?.stop(), hubB?.stop()]);
  proxy?.close();
  await Promise.all(environments.map((env) => env.cleanup()));
});

describe('an acceptance whose answer was lost', () => {
  it('is finished by accepting the same invitation again, and the hubs then sync', async () => {
    const invited = await hubA.admin.run<{ createConnectionInvitation: { invitation: string; project: { id: string } } }>(
      `mutation($input: CreateConnectionInvitationInput!) { createConnectionInvitation(input: $input) { invitation project { id } } }`,
      { input: { name: 'Hub B', direction: 'BIDIRECTIONAL' } },
    );
    const ACCEPT = `mutation($input: AcceptConnectionInvitationInput!) { acceptConnectionInvitation(input: $input) { project { id status handshakeStatus } } }`;
    const input = { invitation: invited.createConnectionInvitation.invitation, name: 'Hub A' };
    const first = await hubB.admin.request(ACCEPT, { input });
    expect(first.errors?.[0]?.message).toMatch(/could not be reached|refused/);
    const onA = await hubA.admin.run<{ externalProject: { status: string } }>(`query($id: ID!) { externalProject(id: $id) { status } }`, { id: invited.createConnectionInvitation.project.id });
    expect(onA.externalProject.status).toBe('ACTIVE');

    const second = await hubB.admin.run<{ acceptConnectionInvitation: { project: { id: string; status: string; handshakeStatus: string } } }>(ACCEPT, { input });
    expect(second.acceptConnectionInvitation.project).toMatchObject({ status: 'ACTIVE', handshakeStatus: 'ACTIVE' });
    const peers = await hubB.admin.run<{ externalProjects: { edges: Array<{ node: { kind: string } }> } }>(`{ externalProjects(first: 10) { edges { node { kind } } } }`);
    expect(peers.externalProjects.edges.filter((e) => e.node.kind === 'LOCKSTEP_PEER')).toHaveLength(1);

    // The handshake works: a ticket linked on B gets its twin on A.
    const { createTicket } = await hubB.admin.run<{ createTicket: { ticket: { id: string } } }>(`mutation { createTicket(input: { title: "Across the recovered peering", privacy: PUBLIC }) { ticket { id } } }`);
    await hubB.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
      input: { ticketId: createTicket.ticket.id, projectId: second.acceptConnectionInvitation.project.id },
    });
    await eventually(
      () => hubA.admin.run<{ tickets: { edges: unknown[] } }>(`{ tickets(first: 5, filter: { text: "recovered peering" }) { edges { node { id } } } }`),
      (r) => r.tickets.edges.length === 1,
      20_000,
    );
  });
});
