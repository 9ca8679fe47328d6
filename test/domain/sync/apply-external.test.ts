import { describe, expect, it } from 'vitest';
import { applyExternalReport } from '#domain/sync/apply-external.ts';
import { planPushes, startPushes } from '#domain/sync/push-plan.ts';
import { decodeVersion } from '#domain/merge/version-token.ts';
import { compare } from '#domain/merge/version-vector.ts';
import { linked } from './fixture.ts';

describe('external reports', () => {
  it('fast-forwards a change made on top of what the side acknowledged, and pushes nothing back', () => {
    const { ticket, mapping, jira, apply, at } = linked();
    const version = ticket.version;
    const result = applyExternalReport(ticket, mapping, jira, { field: 'status', value: 'blocked', orderingKey: 1, observedAtMs: at(), actor: 'joe' }, apply());
    expect(result.kind).toBe('fast_forward');
    expect(ticket.status).toBe('blocked');
    expect(ticket.version).not.toBe(version);
    expect(result.events).toMatchObject([{ type: 'ticket.updated', changes: [{ field: 'status', from: 'open', to: 'blocked', origin: { replica: 'jira', actor: 'joe' } }] }]);
    expect(planPushes(ticket, mapping, jira)).toEqual([]);
  });

  it('recognises the echo of its own push: base advances, no version, no event, no push', () => {
    const { ticket, mapping, jira, hub, apply, at } = linked();
    ticket.edit({ title: 'Checkout is very slow' }, hub());
    expect(startPushes(ticket, mapping, jira).map((p) => p.field)).toEqual(['title']);
    const version = ticket.version;
    const result = applyExternalReport(ticket, mapping, jira, { field: 'title', value: 'Checkout is very slow', orderingKey: 1, observedAtMs: at() }, apply());
    expect(result).toEqual({ kind: 'echo', events: [] });
    expect(ticket.version).toBe(version);
    expect(mapping.side('title')).toMatchObject({ pending: null, orderingKey: 1, base: { value: 'Checkout is very slow' } });
    expect(planPushes(ticket, mapping, jira)).toEqual([]);
  });

  it('ignores a report older than what it already has (duplicated, reordered deliveries)', () => {
    const { ticket, mapping, jira, apply, at } = linked();
    applyExternalReport(ticket, mapping, jira, { field: 'priority', value: 'p1', orderingKey: 5, observedAtMs: at() }, apply());
    const version = ticket.version;
    const older = applyExternalReport(ticket, mapping, jira, { field: 'priority', value: 'p2', orderingKey: 4, observedAtMs: at() }, apply());
    expect(older.kind).toBe('stale');
    const again = applyExternalReport(ticket, mapping, jira, { field: 'priority', value: 'p1', orderingKey: 5, observedAtMs: at() }, apply());
    expect(again.kind).toBe('no_change');
    expect(ticket.priority).toBe('p1');
    expect(ticket.version).toBe(version);
  });

  it('orders string keys (ISO updated_at) with the default comparator', () => {
    const { ticket, mapping, jira, apply, at } = linked();
    applyExternalReport(ticket, mapping, jira, { field: 'priority', value: 'p1', orderingKey: '2026-01-02T00:00:00Z', observedAtMs: at() }, apply());
    const old = applyExternalReport(ticket, mapping, jira, { field: 'priority', value: 'p5', orderingKey: '2026-01-01T00:00:00Z', observedAtMs: at() }, apply());
    expect(old.kind).toBe('stale');
  });

  it('ignores reports from a push-only project and of unmapped fields', () => {
    const { ticket, mapping, jira, apply, at } = linked('manual');
    const pushOnly = { ...jira, direction: 'push' as const };
    expect(applyExternalReport(ticket, mapping, pushOnly, { field: 'title', value: 'x', orderingKey: 1, observedAtMs: at() }, apply()).kind).toBe('ignored');
    const noLabels = { ...jira, mappedFields: ['title' as const] };
    expect(applyExternalReport(ticket, mapping, noLabels, { field: 'labels', value: ['x'], orderingKey: 1, observedAtMs: at() }, apply()).kind).toBe('ignored');
    expect(ticket.labels).toEqual(['web']);
  });
});

describe('concurrent changes, per strategy', () => {
  const concurrentTitle = (strategy: Parameters<typeof linked>[0], remoteLater = true) => {
    const fx = linked(strategy);
    const remoteAt = fx.at();
    fx.ticket.edit({ title: 'Hub title' }, fx.hub());
    const result = applyExternalReport(fx.ticket, fx.mapping, fx.jira, { field: 'title', value: 'Jira title', orderingKey: 1, observedAtMs: remoteLater ? fx.at() + 1_000 : remoteAt }, fx.apply());
    return { ...fx, result };
  };

  it('local_wins keeps the hub value and pushes it back to the side', () => {
    const { ticket, mapping, jira, result } = concurrentTitle('local_wins');
    expect(result).toMatchObject({ kind: 'concurrent', decision: 'keep_local' });
    // The side's value is recorded as arrived and then settled by the strategy, so history keeps it.
    expect(result.events).toMatchObject([
      { type: 'ticket.updated', changes: [{ field: 'title', from: 'Hub title', to: 'Jira title' }, { field: 'title', from: 'Jira title', to: 'Hub title' }] },
    ]);
    expect(ticket.title).toBe('Hub title');
    expect(planPushes(ticket, mapping, jira)).toMatchObject([{ field: 'title', value: 'Hub title', ifOrderingKey: 1 }]);
  });

  it('external_wins takes the side value and does not push it back there', () => {
    const { ticket, mapping, jira, result } = concurrentTitle('external_wins');
    expect(result.decision).toBe('take_external');
    expect(ticket.title).toBe('Jira title');
    expect(planPushes(ticket, mapping, jira)).toEqual([]);
  });

  it('newest_wins follows the HLC stamps', () => {
    expect(concurrentTitle('newest_wins', true).ticket.title).toBe('Jira title');
    expect(concurrentTitle('newest_wins', false).ticket.title).toBe('Hub title');
  });

  it('manual keeps both values in a conflict and holds pushes of that field only', () => {
    const { ticket, mapping, jira, result, hub } = concurrentTitle('manual');
    expect(result.decision).toBe('manual');
    expect(result.conflict).toMatchObject({ projectId: 'jira', field: 'title', strategy: 'manual', status: 'open' });
    expect(result.conflict?.candidates.map((c) => [c.value, c.origin.replica])).toEqual([['Hub title', 'hub'], ['Jira title', 'jira']]);
    expect(result.events.map((e) => e.type)).toEqual(['conflict.detected']);
    expect(ticket.isHeld('title')).toBe(true);
    ticket.edit({ status: 'closed' }, hub());
    expect(planPushes(ticket, mapping, jira).map((p) => p.field)).toEqual(['status']);
  });

  it('a newer side write of a held field replaces its own candidate; resolution dominates all and is pushed', () => {
    const { ticket, mapping, jira, result, apply, at, hub } = concurrentTitle('manual');
    const conflict = result.conflict;
    if (!conflict) throw new Error('expected a conflict');
    const again = applyExternalReport(ticket, mapping, jira, { field: 'title', value: 'Jira title v2', orderingKey: 2, observedAtMs: at() }, { ...apply(), openConflicts: [conflict] });
    expect(again.kind).toBe('concurrent');
    expect(conflict.candidates.map((c) => c.value)).toEqual(['Hub title', 'Jira title v2']);
    ticket.resolveConflict(conflict, 'Agreed title', { ...hub(), actor: 'rev' });
    for (const c of conflict.candidates) expect(compare(decodeVersion(ticket.version), decodeVersion(c.version))).toBe('after');
    expect(planPushes(ticket, mapping, jira)).toMatchObject([{ field: 'title', value: 'Agreed title' }]);
  });

  it('merge: labels are merged three-way against the side base', () => {
    const { ticket, mapping, jira, hub, apply, at } = linked('merge');
    ticket.edit({ labels: ['web', 'perf'] }, hub());
    const result = applyExternalReport(ticket, mapping, jira, { field: 'labels', value: ['checkout'], orderingKey: 1, observedAtMs: at() }, apply());
    expect(result.decision).toBe('write_merged');
    expect(ticket.labels).toEqual(['checkout', 'perf']);
    expect(planPushes(ticket, mapping, jira)).toMatchObject([{ field: 'labels', value: ['checkout', 'perf'] }]);
  });

  it('merge: text edits on different lines merge; overlapping edits fall back to a manual conflict', () => {
    const clean = linked('merge');
    clean.ticket.edit({ description: 'ONE\ntwo\nthree' }, clean.hub());
    applyExternalReport(clean.ticket, clean.mapping, clean.jira, { field: 'description', value: 'one\ntwo\nTHREE', orderingKey: 1, observedAtMs: clean.at() }, clean.apply());
    expect(clean.ticket.description).toBe('ONE\ntwo\nTHREE');

    const overlap = linked('merge');
    overlap.ticket.edit({ description: 'one\nTWO\nthree' }, overlap.hub());
    const result = applyExternalReport(overlap.ticket, overlap.mapping, overlap.jira, { field: 'description', value: 'one\n2\nthree', orderingKey: 1, observedAtMs: overlap.at() }, overlap.apply());
    expect(result.conflict).toMatchObject({ strategy: 'merge', field: 'description' });
    expect(overlap.ticket.isHeld('description')).toBe(true);
  });

  it('per-field strategies override the project default', () => {
    const fx = linked('manual', { fieldStrategies: { priority: 'external_wins' } });
    fx.ticket.edit({ priority: 'p2' }, fx.hub());
    applyExternalReport(fx.ticket, fx.mapping, fx.jira, { field: 'priority', value: 'p1', orderingKey: 1, observedAtMs: fx.at() }, fx.apply());
    expect(fx.ticket.priority).toBe('p1');
  });
});

describe('pushes in flight', () => {
  it('a side that took our unacknowledged push and went back to its old value (A-B-A) is a change, not an echo', () => {
    const { ticket, mapping, jira, hub, apply, at } = linked('local_wins');
    ticket.edit({ title: 'Pushed title' }, hub());
    startPushes(ticket, mapping, jira);
    const result = applyExternalReport(ticket, mapping, jira, { field: 'title', value: 'Checkout is slow', orderingKey: 2, observedAtMs: at() }, apply());
    expect(result).toMatchObject({ kind: 'concurrent', decision: 'keep_local' });
    expect(mapping.side('title').pending).toBeNull();
    expect(planPushes(ticket, mapping, jira)).toMatchObject([{ field: 'title', value: 'Pushed title', ifOrderingKey: 2 }]);
  });

  it('the same report with the key already known leaves the push in flight', () => {
    const { ticket, mapping, jira, hub, apply, at } = linked('local_wins');
    ticket.edit({ title: 'Pushed title' }, hub());
    startPushes(ticket, mapping, jira);
    const result = applyExternalReport(ticket, mapping, jira, { field: 'title', value: 'Checkout is slow', orderingKey: 0, observedAtMs: at() }, apply());
    expect(result.kind).toBe('no_change');
    expect(mapping.side('title').pending).toMatchObject({ value: 'Pushed title' });
  });

  it('a side moving to the value the hub shows drops a stale push in flight', () => {
    const { ticket, mapping, jira, hub, apply, at } = linked('local_wins');
    ticket.edit({ title: 'First' }, hub());
    startPushes(ticket, mapping, jira);
    ticket.edit({ title: 'Second' }, hub());
    const result = applyExternalReport(ticket, mapping, jira, { field: 'title', value: 'Second', orderingKey: 3, observedAtMs: at() }, apply());
    expect(result).toEqual({ kind: 'no_change', events: [] });
    expect(mapping.side('title')).toMatchObject({ pending: null, base: { value: 'Second' }, orderingKey: 3 });
    expect(planPushes(ticket, mapping, jira)).toEqual([]);
  });

  it('a conflict whose candidates come to agree settles itself', () => {
    const { ticket, mapping, jira, hub, apply, at } = linked('manual');
    ticket.edit({ title: 'Hub title' }, hub());
    const first = applyExternalReport(ticket, mapping, jira, { field: 'title', value: 'Jira title', orderingKey: 1, observedAtMs: at() }, apply());
    const conflict = first.conflict;
    if (!conflict) throw new Error('expected a conflict');
    const agreed = applyExternalReport(ticket, mapping, jira, { field: 'title', value: 'Hub title', orderingKey: 2, observedAtMs: at() }, { ...apply(), openConflicts: [conflict] });
    expect(agreed.events.map((e) => e.type)).toEqual(['conflict.resolved']);
    expect(conflict.resolution).toMatchObject({ value: 'Hub title', by: 'lockstep:agreement' });
    expect(ticket.isHeld('title')).toBe(false);
    expect(planPushes(ticket, mapping, jira)).toEqual([]);
  });
});
