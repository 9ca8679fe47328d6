// Which push requests a process keeps for itself: only push requests, only while a push worker is
// attached, never more than its bound at a time; what it gives back or finishes frees room.
import { describe, expect, it } from 'vitest';
import type { RoutableEvent } from '#infra/bus/subjects.ts';
import { createLocalPushes, type PushRunner } from '#infra/sync/local-pushes.ts';

const request = (jobId: string) => ({ type: 'push.requested', projectId: 'p1', ticketId: 't1', jobId }) as const;
const updated: RoutableEvent = { type: 'ticket.updated', ticketId: 't1' };

/** A runner whose runs finish when the test says so. */
function heldRunner() {
  const runs: Array<{ payload: Record<string, unknown>; subject: string; finish: () => void }> = [];
  const runner: PushRunner = (payload, subject) => new Promise<void>((finish) => runs.push({ payload, subject, finish }));
  return { runner, runs };
}

describe('local pushes', () => {
  it('takes nothing while no push worker is attached, and nothing after it detached', () => {
    const local = createLocalPushes('ls');
    expect(local.take([request('j1'), updated])).toEqual({ outbox: [request('j1'), updated], taken: [] });
    const detach = local.attach(heldRunner().runner);
    expect(local.take([request('j2')]).taken).toEqual([request('j2')]);
    detach();
    expect(local.take([request('j3')]).taken).toEqual([]);
  });

  it('keeps push requests up to its bound and sends the rest through the outbox', () => {
    const local = createLocalPushes('ls', 2);
    local.attach(heldRunner().runner);
    const split = local.take([updated, request('j1'), request('j2'), request('j3')]);
    expect(split.taken).toEqual([request('j1'), request('j2')]);
    expect(split.outbox).toEqual([updated, request('j3')]);
    expect(local.inHand()).toBe(2);
  });

  it('runs what it took on the subject the request would have travelled on, and frees room as runs end', async () => {
    const local = createLocalPushes('ls', 1);
    const { runner, runs } = heldRunner();
    local.attach(runner);
    const { taken } = local.take([request('j1')]);
    expect(local.take([request('j2')]).taken).toEqual([]);
    local.handOver(taken);
    expect(runs.map((run) => [run.payload, run.subject])).toEqual([[request('j1'), 'ls.events.push.p1.requested']]);
    runs[0]?.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(local.inHand()).toBe(0);
    expect(local.take([request('j2')]).taken).toEqual([request('j2')]);
  });

  it('frees the room of requests whose commit failed, without running them', () => {
    const local = createLocalPushes('ls', 1);
    const { runner, runs } = heldRunner();
    local.attach(runner);
    const { taken } = local.take([request('j1')]);
    local.giveBack(taken);
    expect(runs).toEqual([]);
    expect(local.inHand()).toBe(0);
  });
});
