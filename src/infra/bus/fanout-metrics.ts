// What the shared event consumer is doing, on GET /metrics: how many subscriptions listen in this
// process and whether its one JetStream consumer runs (operators watch both for leaks).
import { Gauge, type Registry } from 'prom-client';
import type { EventFanout } from './event-fanout.ts';

export function registerFanoutMetrics(registry: Registry, fanout: EventFanout): void {
  new Gauge({
    name: 'lockstep_subscriptions_listening',
    help: 'GraphQL subscriptions listening to live events in this process.',
    registers: [registry],
    collect() {
      this.set(fanout.listeners());
    },
  });
  new Gauge({
    name: 'lockstep_event_consumers',
    help: 'JetStream consumers this process runs for subscriptions (one shared, or none when nobody listens).',
    registers: [registry],
    collect() {
      this.set(fanout.consuming() ? 1 : 0);
    },
  });
}
