import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareHlc, hlcToIso, initialHlc, receive, tick, type Hlc } from '#domain/merge/hlc.ts';

const node = fc.constantFrom('hub', 'jira', 'gh');
const hlc: fc.Arbitrary<Hlc> = fc.record({ wall: fc.nat({ max: 1000 }), logical: fc.nat({ max: 5 }), node });
const step = fc.oneof(
  fc.record({ kind: fc.constant('tick' as const), now: fc.nat({ max: 1000 }) }),
  fc.record({ kind: fc.constant('receive' as const), now: fc.nat({ max: 1000 }), remote: hlc }),
);

describe('hybrid logical clock', () => {
  it('is strictly monotonic whatever the wall clock does, and after every received stamp', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let last = initialHlc('hub');
        for (const s of steps) {
          const next = s.kind === 'tick' ? tick(last, s.now) : receive(last, s.remote, s.now);
          expect(compareHlc(next, last)).toBeGreaterThan(0);
          expect(next.wall).toBeGreaterThanOrEqual(s.now);
          const afterRemote = s.kind === 'tick' || next.wall > s.remote.wall || (next.wall === s.remote.wall && next.logical > s.remote.logical);
          expect(afterRemote).toBe(true);
          last = next;
        }
      }),
    );
  });

  it('breaks ties by node id, the same way on every replica', () => {
    const a = { wall: 5, logical: 1, node: 'gh' };
    const b = { wall: 5, logical: 1, node: 'jira' };
    expect(compareHlc(a, b)).toBeLessThan(0);
    expect(compareHlc(b, a)).toBeGreaterThan(0);
    fc.assert(fc.property(hlc, hlc, (x, y) => Math.sign(compareHlc(x, y)) === -Math.sign(compareHlc(y, x))));
  });

  it('renders the wall time exactly as Date#toISOString, across days and years', () => {
    const wall = fc.oneof(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), fc.integer({ min: 1_700_000_000_000, max: 1_700_000_500_000 }));
    fc.assert(fc.property(wall, (w) => hlcToIso({ wall: w, logical: 0, node: 'hub' }) === new Date(w).toISOString()), { numRuns: 2000 });
    for (const w of [-62_167_219_200_001, 253_402_300_800_000, 0, -1, 1.5]) {
      expect(hlcToIso({ wall: w, logical: 0, node: 'hub' })).toBe(new Date(w).toISOString());
    }
  });
});
