import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Comment } from '#domain/comment/comment.ts';
import { InvalidCommentInput } from '#domain/errors.ts';
import { CommentLink, type CommentReport } from '#domain/sync/comment-link.ts';

/** The side renders text its own way (like Markdown through ADF): runs of spaces collapse. */
const render = (text: string) => text.replace(/ {2,}/g, ' ');

function mirrored(body = 'first words') {
  const { comment } = Comment.post({ id: 'c1', ticketId: 't1', body }, { origin: 'hub', author: 'ada', atMs: 1_000 });
  const link = CommentLink.link({ id: 'l1', comment, projectId: 'p1', externalId: '10001', itemExternalId: 'OPS-1', hubBody: comment.body, sideBody: render(comment.body), sideUpdatedAtMs: 1_000 });
  return { comment, link };
}

describe('Comment', () => {
  it('refuses an empty or oversized body, naming the field', () => {
    expect(() => Comment.post({ id: 'c', ticketId: 't', body: '   ' }, { origin: 'hub', author: 'a', atMs: 1 })).toThrow(InvalidCommentInput);
    expect(() => Comment.post({ id: 'c', ticketId: 't', body: 'x'.repeat(40_000) }, { origin: 'hub', author: 'a', atMs: 1 })).toThrow(/body: must be at most/);
  });

  it('keeps the newer text and ignores an older write; a deletion is final', () => {
    const { comment } = mirrored();
    expect(comment.edit('newer', { origin: 'p1', author: 'bob', atMs: 3_000 }).changed).toBe(true);
    expect(comment.edit('older', { origin: 'hub', author: 'ada', atMs: 2_000 }).changed).toBe(false);
    expect(comment.body).toBe('newer');
    expect(comment.lastWriter).toBe('p1');
    expect(comment.remove({ origin: 'hub', author: 'ada', atMs: 4_000 }).events.map((e) => e.type)).toEqual(['comment.deleted']);
    expect(comment.edit('after death', { origin: 'p1', author: 'bob', atMs: 5_000 }).changed).toBe(false);
    expect(comment.remove({ origin: 'p1', author: 'bob', atMs: 5_000 }).changed).toBe(false);
  });
});

describe('CommentLink', () => {
  it('tells our own write coming back from a person’s edit and from a stale report', () => {
    const { link } = mirrored('a  b');
    expect(link.observe({ body: 'a b', updatedAtMs: 1_500 })).toBe('echo');
    expect(link.observe({ body: 'edited in Jira', updatedAtMs: 2_000 })).toBe('edited');
    expect(link.hubBody).toBe('edited in Jira');
    expect(link.observe({ body: 'a b', updatedAtMs: 1_800 })).toBe('stale');
    expect(link.observe({ body: '', updatedAtMs: 2_500, deleted: true })).toBe('deleted');
    expect(link.observe({ body: 'x', updatedAtMs: 3_000 })).toBe('stale');
  });

  it('asks for a post, an edit, a delete or nothing', () => {
    const { comment, link } = mirrored();
    expect(CommentLink.pushAction(comment, null)).toBe('post');
    expect(CommentLink.pushAction(comment, link)).toBe('none');
    comment.edit('changed on the hub', { origin: 'hub', author: 'ada', atMs: 2_000 });
    expect(CommentLink.pushAction(comment, link)).toBe('edit');
    comment.remove({ origin: 'hub', author: 'ada', atMs: 3_000 });
    expect(CommentLink.pushAction(comment, link)).toBe('delete');
    link.recordDeleted();
    expect(CommentLink.pushAction(comment, link)).toBe('none');
  });

  /**
   * A comment mirrored to one side, edited on both sides at once, with the side's reports
   * delivered late, repeated and out of order, and pushes running whenever the schedule says:
   * once everything is delivered and pushed, both sides hold the same text (or both deleted),
   * and the exchange stops (no ping-pong).
   */
  it('converges under concurrent edits, late, repeated and reordered reports', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('hubEdit' as const), text: fc.constantFrom('one', 'two  words', 'three', 'four  five') }),
      fc.record({ kind: fc.constant('sideEdit' as const), text: fc.constantFrom('uno', 'dos  tres', 'three', 'cuatro') }),
      fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), keep: fc.boolean() }),
      fc.record({ kind: fc.constant('push' as const) }),
      fc.record({ kind: fc.constant('hubDelete' as const) }),
      fc.record({ kind: fc.constant('sideDelete' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const { comment, link } = mirrored();
        let now = 1_000;
        const side = { body: render(comment.body), updatedAt: now, deleted: false };
        const inFlight: CommentReport[] = [];
        const report = () => inFlight.push({ body: side.body, updatedAtMs: side.updatedAt, ...(side.deleted ? { deleted: true } : {}) });
        const deliver = (index: number, keep: boolean) => {
          const [got] = keep ? [inFlight[index]] : inFlight.splice(index, 1);
          if (!got) return;
          const write = { origin: 'p1', author: 'bob', atMs: got.updatedAtMs };
          const kind = link.observe(got);
          if (kind === 'edited') comment.edit(got.body, write);
          if (kind === 'deleted') comment.remove(write);
        };
        let pushes = 0;
        const push = () => {
          const action = CommentLink.pushAction(comment, link);
          if (action === 'none' || side.deleted) return;
          pushes += 1;
          now += 1;
          if (action === 'delete') {
            side.deleted = true;
            link.recordDeleted();
          } else {
            Object.assign(side, { body: render(comment.body), updatedAt: now });
            link.recordEdited(comment.body, side.body, now);
          }
          report();
        };
        for (const s of steps) {
          now += 1;
          if (s.kind === 'hubEdit') comment.edit(s.text, { origin: 'hub', author: 'ada', atMs: now });
          if (s.kind === 'hubDelete') comment.remove({ origin: 'hub', author: 'ada', atMs: now });
          if (s.kind === 'sideEdit' && !side.deleted) {
            Object.assign(side, { body: render(s.text), updatedAt: now });
            report();
          }
          if (s.kind === 'sideDelete' && !side.deleted) {
            Object.assign(side, { deleted: true, updatedAt: now });
            report();
          }
          if (s.kind === 'deliver' && inFlight.length > 0) deliver(s.pick % inFlight.length, s.keep);
          if (s.kind === 'push') push();
        }
        const before = pushes;
        for (let round = 0; round < 10 && (inFlight.length > 0 || CommentLink.pushAction(comment, link) !== 'none'); round += 1) {
          while (inFlight.length > 0) deliver(0, false);
          push();
        }
        expect(inFlight).toEqual([]);
        expect(CommentLink.pushAction(comment, link)).toBe('none');
        expect(pushes - before).toBeLessThanOrEqual(3);
        const held = (deleted: boolean, body: string) => (deleted ? '(deleted)' : body);
        expect(held(side.deleted, side.body)).toBe(held(comment.isDeleted(), render(comment.body)));
      }),
      { numRuns: 2_000 },
    );
  });
});
