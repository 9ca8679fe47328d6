// GitHub stamps issues to the second, so the ordering key of a GitHub report is `updated_at` and then
// when Lockstep saw that state. Within one second, a read sent before our write was answered must be
// stale (it would pull the ticket back), and a state seen after it must apply (a person's edit).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyExternalReport } from '#domain/sync/classify.ts';
import { createStateKeys, itemFromIssue, orderingKeyOf } from '#adapters/github/items.ts';
import { createGithubMapping } from '#adapters/github/mapping.ts';
import { parseGithubConfig } from '#adapters/github/settings.ts';

const mapping = createGithubMapping(parseGithubConfig({ owner: 'acme', repo: 'web' }));
const seen = (updatedMs: number, title: string, seenAtMs: number) =>
  itemFromIssue(
    { number: 7, title, body: null, state: 'open', labels: [], created_at: 0, updated_at: updatedMs },
    mapping,
    seenAtMs,
  );
const classify = (known: string, base: string, report: { value: string; orderingKey: string }) =>
  classifyExternalReport(
    { register: undefined, side: { base: { value: base, version: { gh: 1 } }, pending: null, orderingKey: known } },
    { field: 'title', observedAtMs: 0, ...report },
  ).kind;

describe('ordering keys of GitHub reports', () => {
  const second = Date.parse('2026-11-29T10:00:00Z');

  it('takes a read sent before our write was answered as stale, even within the same second', () => {
    const ours = orderingKeyOf(second, second + 400); // our PATCH answered at .400
    const earlierRead = seen(second, 'Before our write', second + 300);
    expect(classify(ours, 'Ours', { value: 'Before our write', orderingKey: String(earlierRead.orderingKey) })).toBe(
      'stale',
    );
  });

  it("applies a person's edit of the same second, seen after our write", () => {
    const ours = orderingKeyOf(second, second + 400);
    const laterRead = seen(second, "A person's edit", second + 900);
    expect(classify(ours, 'Ours', { value: "A person's edit", orderingKey: String(laterRead.orderingKey) })).toBe(
      'fast_forward',
    );
  });

  it('orders by updated_at first, then by when the state was seen; equal keys are never stale', () => {
    const instant = fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map((s) => s * 1000);
    const offset = fc.integer({ min: 0, max: 5_000 });
    fc.assert(
      fc.property(instant, offset, offset, fc.string(), fc.string(), (at, seenA, seenB, known, reported) => {
        const a = orderingKeyOf(at, at + seenA);
        const b = orderingKeyOf(at, at + seenB);
        const verdict = classify(a, known, { value: reported, orderingKey: b });
        const expected = seenB < seenA ? 'stale' : reported === known ? 'no_change' : 'fast_forward';
        expect(verdict).toBe(expected);
        // A later second wins whenever it was seen.
        expect(classify(orderingKeyOf(at + 1000, at + 1000), known, { value: reported, orderingKey: b })).toBe('stale');
      }),
    );
  });

  it('gives a state read again the key it was first seen with, so an unchanged issue never looks moved', () => {
    const keys = createStateKeys();
    const first = keys('7', second, { title: 'A' }, second + 100);
    expect(keys('7', second, { title: 'A' }, second + 900)).toBe(first);
    const edited = keys('7', second, { title: 'B' }, second + 950);
    expect(edited > first).toBe(true);
    // An older state read late (a read sent before a write landed) keeps its older key.
    expect(keys('7', second, { title: 'A' }, second + 2_000)).toBe(first);
    expect(keys('8', second, { title: 'A' }, second + 900)).not.toBe(first);
  });
});
