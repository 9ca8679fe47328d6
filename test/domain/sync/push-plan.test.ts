import { describe, expect, it } from 'vitest';
import { applyExternalReport } from '#domain/sync/apply-external.ts';
import { planPushes, pushVerdict, startPushes } from '#domain/sync/push-plan.ts';
import { mayLeave } from '#domain/sync/policy.ts';
import { linked } from './fixture.ts';

describe('push planner', () => {
  it('pushes exactly the fields changed since the side base, once while in flight', () => {
    const { ticket, mapping, jira, hub } = linked();
    expect(planPushes(ticket, mapping, jira)).toEqual([]);
    ticket.edit({ status: 'in_progress', assignee: 'ada' }, hub());
    expect(startPushes(ticket, mapping, jira).map((p) => [p.field, p.value])).toEqual([['status', 'in_progress'], ['assignee', 'ada']]);
    expect(planPushes(ticket, mapping, jira)).toEqual([]);
    mapping.recordPushFailed('status');
    expect(planPushes(ticket, mapping, jira).map((p) => p.field)).toEqual(['status']);
    mapping.recordPushAcknowledged('assignee', 3);
    expect(mapping.side('assignee')).toMatchObject({ base: { value: 'ada' }, pending: null, orderingKey: 3 });
  });

  it('a field changed back to the value the side holds is not pushed', () => {
    const { ticket, mapping, jira, hub } = linked();
    ticket.edit({ priority: 'p1' }, hub());
    ticket.edit({ priority: 'p3' }, hub());
    expect(pushVerdict(ticket, mapping, jira, 'priority')).toBe('up_to_date');
  });

  it('respects direction', () => {
    const { ticket, mapping, jira, hub } = linked();
    ticket.edit({ title: 'changed' }, hub());
    expect(planPushes(ticket, mapping, { ...jira, direction: 'pull' })).toEqual([]);
    expect(planPushes(ticket, mapping, { ...jira, direction: 'disabled' })).toEqual([]);
    expect(planPushes(ticket, mapping, { ...jira, direction: 'push' })).toHaveLength(1);
  });

  it('privacy: local_only never leaves, shareable only where allowed, public always', () => {
    expect(mayLeave('local_only', { allowsShareable: true })).toBe(false);
    expect(mayLeave('shareable', { allowsShareable: false })).toBe(false);
    expect(mayLeave('shareable', { allowsShareable: true })).toBe(true);
    expect(mayLeave('public', { allowsShareable: false })).toBe(true);
    const { ticket, mapping, jira, hub } = linked();
    ticket.edit({ title: 'secret', privacy: 'local_only' }, hub());
    expect(pushVerdict(ticket, mapping, jira, 'title')).toBe('privacy');
    ticket.edit({ privacy: 'shareable' }, hub());
    expect(planPushes(ticket, mapping, { ...jira, allowsShareable: false })).toEqual([]);
    ticket.edit({ privacy: 'public' }, hub());
    expect(planPushes(ticket, mapping, { ...jira, allowsShareable: false }).map((p) => p.field)).toEqual(['title']);
  });
});

describe('a push in flight', () => {
  it('is in flight from its plan until the side acknowledges it', () => {
    const { ticket, mapping, jira, hub } = linked();
    ticket.edit({ title: 'Checkout is slow on mobile' }, hub());
    const [push] = startPushes(ticket, mapping, jira);
    expect(mapping.isInFlight('title', 'Checkout is slow on mobile')).toBe(true);
    expect(mapping.isInFlight('title', 'Something else')).toBe(false);
    mapping.recordPushAcknowledged('title', 1);
    expect(push?.field).toBe('title');
    expect(mapping.isInFlight('title', 'Checkout is slow on mobile')).toBe(false);
  });

  it('is settled by the answer to that push only, never by a late answer to an older one', () => {
    const { ticket, mapping, jira, hub, apply, at } = linked('newest_wins');
    ticket.edit({ title: 'First (hub)' }, hub());
    startPushes(ticket, mapping, jira);
    // A concurrent edit there settles the field; the hub then plans a newer push of it.
    applyExternalReport(ticket, mapping, jira, { field: 'title', value: 'Side', orderingKey: 1, observedAtMs: at() }, apply());
    ticket.edit({ title: 'Second (hub)' }, hub());
    startPushes(ticket, mapping, jira);
    expect(mapping.recordSentAcknowledged('title', 'First (hub)', 'First (hub)', 2)).toBe(false);
    expect(mapping.isInFlight('title', 'Second (hub)')).toBe(true);
    expect(mapping.recordSentAcknowledged('title', 'Second (hub)', 'Second (hub), as stored there', 3)).toBe(true);
    expect(mapping.side('title')).toMatchObject({ base: { value: 'Second (hub), as stored there' }, pending: null, orderingKey: 3 });
  });

  it('is no longer in flight once a concurrent edit there was applied, whatever the strategy decided', () => {
    for (const strategy of ['manual', 'newest_wins', 'local_wins', 'external_wins'] as const) {
      const { ticket, mapping, jira, hub, apply, at } = linked(strategy);
      ticket.edit({ title: 'Checkout is slow (hub)' }, hub());
      startPushes(ticket, mapping, jira);
      applyExternalReport(ticket, mapping, jira, { field: 'title', value: 'Checkout is slow (side)', orderingKey: 1, observedAtMs: at() }, apply());
      expect(mapping.isInFlight('title', 'Checkout is slow (hub)')).toBe(false);
    }
  });
});
