// Which engine messages a process keeps for itself: only kinds a worker is attached for, never more
// than its bound of each kind at a time; what it gives back or finishes frees room. Once a message
// of a kind went through the outbox, later ones follow it there (none overtakes it) until the
// durable consumer has caught up with a message published since.
import { describe, expect, it } from 'vitest';
import type { RoutableEvent } from '#infra/bus/subjects.ts';
import { createLocalHandoff, type LocalRunner } from '#infra/sync/local-handoff.ts';

const request = (jobId: string) => ({ type: 'push.requested', projectId: 'p1', ticketId: 't1', jobId }) as const;
const delivery = (inboxId: string) => ({ type: 'delivery.received', projectId: 'p1', inboxId }) as const;
const updated: RoutableEvent = { type: 'ticket.updated', ticketId: 't1' };

/** A runner whose runs finish when the test says so. */
function heldRunner() {
  const runs: Array<{ payload: Record<string, unknown>; subject: string; finish: () => void }> = [];
  const runner: LocalRunner = (payload, subject) => new Promise<void>((finish) => runs.push({ payload, subject, finish }));
  return { runner, runs };
}

describe('local handoff', () => {
  it('takes only the kinds a worker is attached for, and none after it detached', () => {
    const local = createLocalHandoff('ls');
    expect(local.take([request('j1'), updated])).toEqual({ outbox: [request('j1'), updated], taken: [] });
    const detach = local.attach('push.requested', heldRunner().runner);
    expect(local.take([request('j2'), delivery('i1'), updated])).toEqual({ outbox: [delivery('i1'), updated], taken: [request('j2')] });
    detach();
    expect(local.take([request('j3')]).taken).toEqual([]);
  });

  it('keeps each kind up to its bound and sends the rest through the outbox', () => {
    const local = createLocalHandoff('ls', 2);
    local.attach('push.requested', heldRunner().runner);
    local.attach('delivery.received', heldRunner().runner);
    const split = local.take([updated, request('j1'), request('j2'), request('j3'), delivery('i1')]);
    expect(split.taken).toEqual([request('j1'), request('j2'), delivery('i1')]);
    expect(split.outbox).toEqual([updated, request('j3')]);
    expect(local.inHand('push.requested')).toBe(2);
    expect(local.inHand('delivery.received')).toBe(1);
  });

  it('hands over what it took on the subject it would have travelled on, and frees room as runs end', async () => {
    const local = createLocalHandoff('ls', 1);
    const { runner, runs } = heldRunner();
    local.attach('push.requested', runner);
    const { taken } = local.take([request('j1')]);
    expect(local.take([request('j2')]).taken).toEqual([]);
    local.handOver(taken);
    expect(runs.map((run) => [run.payload, run.subject])).toEqual([[request('j1'), 'ls.events.push.p1.requested']]);
    runs[0]?.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(local.inHand('push.requested')).toBe(0);
    local.caughtUp('push.requested', Date.now());
    expect(local.take([request('j2')]).taken).toEqual([request('j2')]);
  });

  it('sends a kind through the outbox after one went there, until the consumer caught up with a message published since', async () => {
    const local = createLocalHandoff('ls', 1);
    const { runner, runs } = heldRunner();
    local.attach('delivery.received', runner);
    local.attach('push.requested', heldRunner().runner);
    const { taken } = local.take([delivery('i1')]);
    const sentAroundAtMs = Date.now();
    expect(local.take([delivery('i2')]).outbox).toEqual([delivery('i2')]);
    local.handOver(taken);
    runs[0]?.finish();
    await new Promise((resolve) => setImmediate(resolve));
    // Room again, but i2 waits in JetStream: i3 must not overtake it.
    expect(local.take([delivery('i3')]).outbox).toEqual([delivery('i3')]);
    // Another kind is not held back.
    expect(local.take([request('j1')]).taken).toEqual([request('j1')]);
    // A message published before i2 went around says nothing about i2.
    local.caughtUp('delivery.received', sentAroundAtMs - 1000);
    expect(local.take([delivery('i4')]).taken).toEqual([]);
    local.caughtUp('delivery.received', sentAroundAtMs + 1);
    expect(local.take([delivery('i5')]).taken).toEqual([delivery('i5')]);
  });

  it('frees the room of messages whose commit failed, without handling them', () => {
    const local = createLocalHandoff('ls', 1);
    const { runner, runs } = heldRunner();
    local.attach('push.requested', runner);
    const { taken } = local.take([request('j1')]);
    local.giveBack(taken);
    expect(runs).toEqual([]);
    expect(local.inHand('push.requested')).toBe(0);
  });

  it('counts a message against the worker that took it, and ignores messages it never took', () => {
    const local = createLocalHandoff('ls', 1);
    const detach = local.attach('push.requested', heldRunner().runner);
    const { taken } = local.take([request('j1')]);
    detach();
    const { runner, runs } = heldRunner();
    local.attach('push.requested', runner);
    local.giveBack(taken);
    local.giveBack([request('j2')]);
    local.handOver([request('j3')]);
    expect(local.inHand('push.requested')).toBe(0);
    expect(runs).toEqual([]);
    expect(local.take([request('j4')]).taken).toEqual([request('j4')]);
  });
});
