import { describe, expect, it } from 'vitest';
import { covers } from '#domain/merge/version-vector.ts';
import { applyExternalReport } from '#domain/sync/apply-external.ts';
import { SyncMapping } from '#domain/sync/mapping.ts';
import { mirroredFields } from '#domain/ticket/fields.ts';
import { policy } from './fixture.ts';
import { peerTicketState } from '#domain/sync/peer-state.ts';
import { acknowledgePeerPush, peerPushVerdict, startPeerPush } from '#domain/sync/peer-push.ts';
import { hubA, hubB, peered } from './peer-fixture.ts';

describe('peer twins', () => {
  it('builds the twin from the sender registers with their dots and clock', () => {
    const { a, b, twin } = peered();
    expect(twin.events.map((e) => e.type)).toEqual(['ticket.created']);
    expect(b.ticket.title).toBe('Checkout is slow');
    expect(b.ticket.registers['title']?.siblings).toEqual(a.ticket.registers['title']?.siblings);
    expect(covers(b.ticket.clock.vector, { replica: hubA, counter: 1 })).toBe(true);
    expect(peerPushVerdict(b.ticket, b.mapping, b.policy)).toBe('up_to_date');
    expect(peerPushVerdict(a.ticket, a.mapping, a.policy)).toBe('up_to_date');
  });

  it('takes the first edit on the twin as a fast-forward on the original, not a conflict', () => {
    const { a, b, send, edit } = peered();
    edit(b, { status: 'blocked' });
    const result = send(b, a);
    expect(result?.fields.status).toBe('fast_forward');
    expect(a.ticket.status).toBe('blocked');
    // B's counter 1 wrote the twin's unmirrored fields (privacy, kind) with B's defaults.
    expect(a.ticket.registers['status']?.siblings[0]?.dot).toEqual({ replica: hubB, counter: 2 });
    expect(result?.events).toMatchObject([{ type: 'ticket.updated', changes: [{ field: 'status', from: 'open', to: 'blocked', origin: { replica: hubB } }] }]);
    expect(a.conflicts).toEqual([]);
  });

  it('keeps issuing its own counters after joining the peer clock', () => {
    const { a, b, send, edit } = peered();
    edit(a, { priority: 'p1' });
    send(a, b);
    edit(b, { priority: 'p2' });
    edit(a, { title: 'Checkout is very slow' });
    expect(b.ticket.registers['priority']?.siblings[0]?.dot).toEqual({ replica: hubB, counter: 2 });
    expect(a.ticket.registers['title']?.siblings[0]?.dot).toEqual({ replica: hubA, counter: 3 });
    send(b, a);
    expect(a.ticket.priority).toBe('p2');
  });
});

describe('duplicates and echoes', () => {
  it('changes nothing when a state is delivered again, late, or echoed back', () => {
    const { a, b, send, deliver, edit } = peered();
    edit(a, { status: 'blocked' });
    const first = peerTicketState(a.ticket, a.policy, hubA);
    send(a, b);
    edit(a, { status: 'resolved' });
    send(a, b);
    const settled = JSON.stringify(b.ticket);
    const late = deliver(first as NonNullable<typeof first>, b);
    expect(late).toMatchObject({ kind: 'duplicate', events: [], conflicts: [] });
    expect(JSON.stringify(b.ticket)).toBe(settled);
    expect(b.ticket.status).toBe('resolved');
    expect(send(b, a)).toBeNull();
  });

  it('forwards what it received to nobody who already has it (no echo back)', () => {
    const { a, b, send, edit } = peered();
    edit(a, { labels: ['web', 'perf'] });
    send(a, b);
    expect(peerPushVerdict(b.ticket, b.mapping, b.policy)).toBe('up_to_date');
    expect(peerPushVerdict(a.ticket, a.mapping, a.policy)).toBe('up_to_date');
  });
});

describe('concurrent writes between peers', () => {
  it('opens twin conflicts with the real dots under manual, and a resolution on one hub closes the other', () => {
    const { a, b, send, deliver, edit, resolve } = peered('manual');
    edit(a, { title: 'From A' });
    edit(b, { title: 'From B' });
    // The two states cross on the wire.
    const stateA = startPeerPush(a.ticket, a.mapping, a.policy, hubA);
    const stateB = startPeerPush(b.ticket, b.mapping, b.policy, hubB);
    deliver(stateA as NonNullable<typeof stateA>, b);
    deliver(stateB as NonNullable<typeof stateB>, a);
    acknowledgePeerPush(a.mapping, a.policy.mappedFields);
    acknowledgePeerPush(b.mapping, b.policy.mappedFields);
    const [onA] = a.conflicts;
    const [onB] = b.conflicts;
    expect(onA?.candidates.map((c) => c.dot)).toEqual([{ replica: hubA, counter: 2 }, { replica: hubB, counter: 2 }]);
    expect(onB?.candidates.map((c) => c.dot)).toEqual([{ replica: hubB, counter: 2 }, { replica: hubA, counter: 2 }]);
    expect(a.ticket.isHeld('title') && b.ticket.isHeld('title')).toBe(true);

    resolve(a, onA as NonNullable<typeof onA>, 'Agreed');
    const result = send(a, b);
    expect(result?.fields.title).toBe('resolved');
    expect(onB?.status).toBe('resolved');
    expect(onB?.resolution).toMatchObject({ value: 'Agreed', by: `peer:${hubA}` });
    expect(result?.events.map((e) => e.type)).toEqual(['ticket.updated', 'conflict.resolved']);
    expect(b.ticket.title).toBe('Agreed');
    expect(b.ticket.isHeld('title')).toBe(false);
    expect(send(b, a)).toBeNull();
  });

  it('closes a twin conflict whose sides meet on the same value as an agreement', () => {
    const { a, b, send, edit, resolve } = peered('manual');
    edit(a, { title: 'From A' });
    edit(b, { title: 'From B' });
    send(a, b);
    send(b, a);
    resolve(a, a.conflicts[0] as never, 'Same');
    resolve(b, b.conflicts[0] as never, 'Same');
    const result = send(a, b);
    expect(result?.fields.title).toBe('agreement');
    send(b, a);
    expect(a.ticket.title).toBe('Same');
    expect(a.ticket.registers['title']?.siblings).toEqual(b.ticket.registers['title']?.siblings);
    expect([...a.conflicts, ...b.conflicts].every((c) => !c.isOpen())).toBe(true);
  });

  it('under newest_wins, the deciding hub writes the newest value over both and the other fast-forwards', () => {
    const { a, b, send, edit } = peered('newest_wins');
    edit(a, { priority: 'p1' });
    edit(b, { priority: 'p2' });
    expect(send(a, b)?.fields.priority).toBe('newest_wins');
    expect(b.ticket.registers['priority']?.siblings[0]?.origin).toEqual({ replica: hubB, actor: 'strategy:newest_wins' });
    expect(send(b, a)?.fields.priority).toBe('fast_forward');
    expect(a.ticket.priority).toBe('p2');
    expect(b.ticket.priority).toBe('p2');
    expect(a.ticket.registers['priority']).toEqual(b.ticket.registers['priority']);
    expect(send(a, b) ?? send(b, a)).toBeNull();
  });

  it('never conflicts on equal values', () => {
    const { a, b, send, edit } = peered('manual');
    edit(a, { assignee: 'ann' });
    edit(b, { assignee: 'ann' });
    expect(send(a, b)?.fields.assignee).toBe('agreement');
    send(b, a);
    expect(a.conflicts.length + b.conflicts.length).toBe(0);
    expect(a.ticket.registers['assignee']).toEqual(b.ticket.registers['assignee']);
  });

  it('lets one hub win when the strategies mirror each other (local_wins here, external_wins there)', () => {
    const { a, b, send, edit } = peered('local_wins', 'external_wins');
    edit(a, { status: 'blocked' });
    edit(b, { status: 'closed' });
    send(b, a);
    send(a, b);
    expect(a.ticket.status).toBe('blocked');
    expect(b.ticket.status).toBe('blocked');
    expect(a.conflicts.length + b.conflicts.length).toBe(0);
  });

  it.each([
    ['local_wins', 'local_wins'],
    ['external_wins', 'external_wins'],
    ['merge', 'merge'],
  ] as const)('hands %s against %s to a person on both hubs', (mine, theirs) => {
    const { a, b, send, edit } = peered(mine, theirs);
    edit(a, { labels: ['a'] });
    edit(b, { labels: ['b'] });
    send(a, b);
    send(b, a);
    expect(a.ticket.isHeld('labels')).toBe(true);
    expect(b.ticket.isHeld('labels')).toBe(true);
    expect(a.conflicts[0]?.strategy).toBe(mine);
  });
});

describe('writes of a third replica', () => {
  it("forwards hub A's Jira change to B with its original dot, and B sends nothing back", () => {
    const { a, b, send, applyCtx, at } = peered();
    const jira = policy('0b7e4c1e-jira', 'manual');
    const link = SyncMapping.link({ id: 'mj', ticket: a.ticket, projectId: jira.projectId, externalId: 'OPS-1', fields: mirroredFields, nowMs: at(), orderingKey: 0 });
    applyExternalReport(a.ticket, link, jira, { field: 'status', value: 'in_progress', orderingKey: 1, observedAtMs: at() }, applyCtx(a));
    const jiraDot = a.ticket.registers['status']?.siblings[0]?.dot;
    expect(jiraDot?.replica).toBe(jira.projectId);
    expect(send(a, b)?.fields.status).toBe('fast_forward');
    expect(b.ticket.status).toBe('in_progress');
    expect(b.ticket.registers['status']?.siblings[0]?.dot).toEqual(jiraDot);
    expect(send(b, a)).toBeNull();
  });

  it('keeps a local-only ticket home', () => {
    const { a, b, send, edit } = peered();
    edit(a, { privacy: 'local_only', title: 'Secret' });
    expect(peerPushVerdict(a.ticket, a.mapping, a.policy)).toBe('privacy');
    expect(send(a, b)).toBeNull();
    expect(b.ticket.title).toBe('Checkout is slow');
  });
});
