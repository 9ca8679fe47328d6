// Peer deliveries as a peer hub posts them (src/adapters/lockstep-peer/connector.ts, updateItem):
// a delivery id and the ticket's register state, built here by the domain code the peer runs
// (peerTicketState) for a ticket created and then edited on that hub.
import { signatureHeader } from '#adapters/shared/signatures.ts';
import { peerTicketState } from '#domain/sync/peer-state.ts';
import { mirroredFields } from '#domain/ticket/fields.ts';
import { Ticket } from '#domain/ticket/ticket.ts';
import type { WebhookSource } from './source.ts';

function peerStates(): unknown[] {
  let n = 0;
  const context = (nowMs: number) => ({ replica: 'hub:peer0001', actor: 'ann', nowMs, newId: () => `id-${++n}` });
  const policy = {
    projectId: 'peer-project',
    direction: 'bidirectional' as const,
    allowsShareable: true,
    mappedFields: mirroredFields,
    defaultStrategy: 'manual' as const,
    fieldStrategies: {},
  };
  const { ticket } = Ticket.create(
    { title: 'Checkout is slow', description: 'one\ntwo', labels: ['web'], priority: 'p2' },
    context(1_760_000_000_000),
  );
  const first = peerTicketState(ticket, policy, 'hub:peer0001');
  ticket.edit({ title: 'Checkout is slow on Safari', status: 'in_progress' }, context(1_760_000_060_000));
  const second = peerTicketState(ticket, policy, 'hub:peer0001');
  return [first, second].map((state, i) => ({ deliveryId: `peer-delivery-${i + 1}`, state }));
}

export const lockstepPeerSource: WebhookSource = {
  kind: 'lockstep_peer',
  samples: peerStates().map((body) => JSON.stringify(body)),
  sign: (body, secret) => ({ headers: { 'x-lockstep-signature': signatureHeader(secret, body) }, query: {} }),
  config: { peerUrl: 'https://peer.example.com', peerProjectId: '0193b6c2-7c1e-7a4b-9d3e-5f6a7b8c9d0e' },
};
