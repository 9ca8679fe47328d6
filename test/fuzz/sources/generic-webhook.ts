// Generic webhook bodies as CONTRACT.md defines them and the generic-webhook simulator sends them
// (simulators/generic-webhook/simulator.ts): a delivery id, the item, its updatedAt and some fields,
// enum values in either spelling.
import { signatureHeader } from '#adapters/shared/signatures.ts';
import type { WebhookSource } from './source.ts';

const samples = [
  {
    deliveryId: '0f9d6c1e-5b7a-4c1e-9a55-2f0e3c4b5a61',
    externalId: 'GW-1',
    updatedAt: '2026-03-01T10:00:00.000Z',
    fields: { title: 'Checkout returns 500' },
  },
  {
    deliveryId: 'b0c2a7e4-1d3f-4e8a-8b6c-9a0d1e2f3a4b',
    externalId: 'GW-7',
    updatedAt: '2026-03-01T10:05:12+01:00',
    fields: {
      title: 'Disk full on db-2',
      description: 'Seen at **03:00**',
      status: 'in_progress',
      priority: 'P2',
      assignee: 'ann',
      labels: ['db', 'ops'],
    },
  },
  {
    deliveryId: 'retry-42',
    externalId: 'ticket/42',
    updatedAt: '2026-03-02T00:00:00Z',
    fields: { status: 'RESOLVED', assignee: null, labels: [] },
  },
];

export const genericWebhookSource: WebhookSource = {
  kind: 'generic_webhook',
  samples: samples.map((body) => JSON.stringify(body)),
  sign: (body, secret) => ({ headers: { 'x-lockstep-signature': signatureHeader(secret, body) }, query: {} }),
  config: { targetUrl: 'https://receiver.example.com/hooks/lockstep' },
};
