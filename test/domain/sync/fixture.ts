// A hub ticket linked to one or two projects, for the sync unit tests.
import { Ticket, type WriteContext } from '#domain/ticket/ticket.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { mirroredFields } from '#domain/ticket/fields.ts';
import type { ProjectPolicy } from '#domain/sync/policy.ts';
import type { ConflictStrategy } from '#domain/conflict/conflict.ts';
import type { ApplyContext } from '#domain/sync/apply-external.ts';

export function policy(projectId: string, strategy: ConflictStrategy, extra: Partial<ProjectPolicy> = {}): ProjectPolicy {
  return { projectId, direction: 'bidirectional', allowsShareable: true, mappedFields: mirroredFields, defaultStrategy: strategy, fieldStrategies: {}, ...extra };
}

export function linked(strategy: ConflictStrategy = 'manual', extra: Partial<ProjectPolicy> = {}) {
  let n = 0;
  let now = 10_000;
  const newId = () => `id-${++n}`;
  const hub = (): WriteContext => ({ replica: 'hub', actor: 'ada', nowMs: (now += 10), newId });
  const apply = (): ApplyContext => ({ hub: 'hub', nowMs: (now += 10), newId });
  const { ticket } = Ticket.create({ title: 'Checkout is slow', description: 'one\ntwo\nthree', labels: ['web'] }, hub());
  const jira = policy('jira', strategy, extra);
  const mapping = SyncMapping.link({ id: 'm1', ticket, projectId: 'jira', externalId: 'OPS-1', fields: mirroredFields, nowMs: now, orderingKey: 0 });
  return { ticket, mapping, jira, hub, apply, at: () => (now += 10) };
}
