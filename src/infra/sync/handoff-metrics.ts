// What this process handles of its own commits, on GET /metrics: deliveries and push jobs taken
// from the webhook door and the unit of work and not yet done (local-handoff.ts). A figure that
// stays at its bound (256) says the process is behind and the rest travels through JetStream.
import { Gauge, type Registry } from 'prom-client';
import { handedOffKinds, type LocalHandoff } from './local-handoff.ts';

export function registerHandoffMetrics(registry: Registry, handoff: LocalHandoff): void {
  new Gauge({
    name: 'lockstep_local_handoff_in_hand',
    help: 'Engine messages this process took from its own commits (kind: delivery.received, push.requested) and has not finished.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      for (const kind of handedOffKinds) this.set({ kind }, handoff.inHand(kind));
    },
  });
}
