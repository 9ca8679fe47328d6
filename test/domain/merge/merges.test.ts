import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeSets, mergeText, toSortedSet } from '#domain/merge/three-way.ts';

const set = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e')).map(toSortedSet);

describe('three-way set merge', () => {
  it('keeps additions of both sides and removals of either', () => {
    expect(mergeSets(['a', 'b'], ['a', 'b', 'c'], ['b'])).toEqual(['b', 'c']);
  });

  it('is commutative, returns the other side when one side did nothing, and is idempotent', () => {
    fc.assert(
      fc.property(set, set, set, (base, local, remote) => {
        expect(mergeSets(base, local, remote)).toEqual(mergeSets(base, remote, local));
        expect(mergeSets(base, base, remote)).toEqual(remote);
        expect(mergeSets(base, local, base)).toEqual(local);
        expect(mergeSets(base, local, local)).toEqual(local);
      }),
    );
  });

  it('contains every element both sides agree on and nothing neither side has', () => {
    fc.assert(
      fc.property(set, set, set, (base, local, remote) => {
        const merged = mergeSets(base, local, remote);
        expect(local.filter((x) => remote.includes(x)).every((x) => merged.includes(x))).toBe(true);
        expect(merged.every((x) => local.includes(x) || remote.includes(x))).toBe(true);
      }),
    );
  });
});

describe('three-way text merge', () => {
  it('merges edits of different lines', () => {
    const base = 'one\ntwo\nthree';
    expect(mergeText(base, 'ONE\ntwo\nthree', 'one\ntwo\nTHREE')).toEqual({ kind: 'merged', text: 'ONE\ntwo\nTHREE' });
  });

  it('reports overlapping edits instead of inventing a value', () => {
    expect(mergeText('one\ntwo', 'one\nTWO', 'one\n2')).toEqual({ kind: 'overlap' });
  });

  it('returns the changed side when the other kept the base', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (base, edit) => {
        expect(mergeText(base, base, edit)).toEqual({ kind: 'merged', text: edit });
        expect(mergeText(base, edit, base)).toEqual({ kind: 'merged', text: edit });
      }),
    );
  });
});
