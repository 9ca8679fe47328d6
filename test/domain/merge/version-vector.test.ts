import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compare,
  covers,
  dominates,
  increment,
  join,
  normalise,
  type VersionVector,
} from '#domain/merge/version-vector.ts';

const replica = fc.constantFrom('hub', 'jira', 'gh', 'lin');
const vector: fc.Arbitrary<VersionVector> = fc.dictionary(replica, fc.nat({ max: 5 }));
const same = (a: VersionVector, b: VersionVector) => expect(normalise(a)).toEqual(normalise(b));

describe('version vectors', () => {
  it('orders the four cases', () => {
    expect(compare({ a: 1 }, { a: 1, b: 0 })).toBe('equal');
    expect(compare({ a: 1 }, { a: 2 })).toBe('before');
    expect(compare({ a: 2, b: 1 }, { a: 2 })).toBe('after');
    expect(compare({ a: 2 }, { b: 1 })).toBe('concurrent');
  });

  it('covers a dot exactly when its counter is within the vector', () => {
    expect(covers({ a: 2 }, { replica: 'a', counter: 2 })).toBe(true);
    expect(covers({ a: 2 }, { replica: 'a', counter: 3 })).toBe(false);
    expect(covers({}, { replica: 'b', counter: 1 })).toBe(false);
  });

  it('join is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(vector, vector, vector, (a, b, c) => {
        same(join(a, b), join(b, a));
        same(join(join(a, b), c), join(a, join(b, c)));
        same(join(a, a), a);
      }),
    );
  });

  it('compare is consistent with join', () => {
    fc.assert(
      fc.property(vector, vector, (a, b) => {
        const j = join(a, b);
        expect(dominates(j, a) && dominates(j, b)).toBe(true);
        const order = compare(a, b);
        // the join equals a vector exactly when that vector has seen the other one
        expect([compare(j, a), compare(j, b)]).toEqual([
          order === 'before' || order === 'concurrent' ? 'after' : 'equal',
          order === 'after' || order === 'concurrent' ? 'after' : 'equal',
        ]);
        expect(compare(b, a)).toBe({ equal: 'equal', before: 'after', after: 'before', concurrent: 'concurrent' }[order]);
      }),
    );
  });

  it('increment moves strictly after', () => {
    fc.assert(fc.property(vector, replica, (a, r) => compare(increment(a, r), a) === 'after'));
  });
});
