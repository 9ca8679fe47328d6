// A source that knows when a person acknowledged an alert (PagerDuty) moves the group's ticket
// between OPEN and ACKNOWLEDGED; any other status a person chose stays, and sources that say
// nothing about acknowledgement change nothing.
import { describe, expect, it } from 'vitest';
import type { AlertPolicy } from '#domain/alert/alert-policy.ts';
import type { AlertReport } from '#domain/alert/alert-report.ts';
import { emptyAlertGroup, stepAlertGroup, type AlertGroupState } from '#domain/alert/alert-group.ts';
import type { TicketStatus } from '#domain/ticket/fields.ts';

const policy: AlertPolicy = { severityMap: {}, fallbackPriority: 'p3', reopenWindowMs: 60_000, routes: [] };

function report(observedAtMs: number, changes: Partial<AlertReport> = {}): AlertReport {
  return {
    fingerprint: 'incident:Q1',
    groupKey: 'incident:Q1',
    name: 'Checkout down',
    status: 'firing',
    severity: null,
    summary: null,
    labels: {},
    startsAtMs: 1_000,
    endsAtMs: null,
    generatorUrl: null,
    observedAtMs,
    ...changes,
  };
}

/** The group after its first firing, with the ticket at `status`. */
function openedAt(status: TicketStatus): AlertGroupState {
  const step = stepAlertGroup(emptyAlertGroup, report(1_000), policy);
  if (step.kind !== 'opened' || !step.next.episode) throw new Error('expected a new ticket');
  return { ...step.next, episode: { ...step.next.episode, status } };
}

function patchOf(group: AlertGroupState, next: AlertReport) {
  const step = stepAlertGroup(group, next, policy);
  return step.kind === 'updated' ? step.patch : step.kind;
}

describe('acknowledgements from the source', () => {
  it('move an OPEN ticket to ACKNOWLEDGED and back', () => {
    expect(patchOf(openedAt('open'), report(2_000, { acknowledged: true }))).toEqual({ status: 'acknowledged' });
    expect(patchOf(openedAt('acknowledged'), report(3_000, { acknowledged: false }))).toEqual({ status: 'open' });
  });

  it('leave other statuses a person chose, and say nothing when the source says nothing', () => {
    expect(patchOf(openedAt('in_progress'), report(2_000, { acknowledged: true }))).toEqual({});
    expect(patchOf(openedAt('in_progress'), report(2_000, { acknowledged: false }))).toEqual({});
    expect(patchOf(openedAt('acknowledged'), report(2_000))).toEqual({});
    expect(patchOf(openedAt('open'), report(2_000))).toEqual({});
  });

  it('acknowledge a group that reopens with the acknowledgement', () => {
    const resolution = report(2_000, { status: 'resolved', endsAtMs: 2_000 });
    const resolved = stepAlertGroup(openedAt('open'), resolution, policy);
    if (resolved.kind !== 'updated') throw new Error('expected the ticket to resolve');
    expect(resolved.patch).toEqual({ status: 'resolved' });
    expect(patchOf(resolved.next, report(3_000, { acknowledged: true }))).toEqual({ status: 'acknowledged' });
  });

  it('ignore a repeated acknowledgement like any repeat', () => {
    const acknowledged = stepAlertGroup(openedAt('open'), report(2_000, { acknowledged: true }), policy);
    if (acknowledged.kind !== 'updated') throw new Error('expected an update');
    const again = stepAlertGroup(acknowledged.next, report(2_000, { acknowledged: true }), policy);
    expect(again).toEqual({ kind: 'ignored', reason: 'repeat' });
  });
});
