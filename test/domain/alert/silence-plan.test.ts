import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planSilences } from '#domain/alert/silence-plan.ts';
import { ticketStatuses } from '#domain/ticket/fields.ts';

const ids = fc.uniqueArray(fc.uuid(), { maxLength: 4 });
const status = fc.constantFrom(...ticketStatuses);

/** The silences left after carrying out the plan (a create adds one). */
function after(existing: readonly string[], plan: ReturnType<typeof planSilences>): number {
  return existing.filter((id) => !plan.expire.includes(id)).length + (plan.create ? 1 : 0);
}

describe('silence plan', () => {
  it('leaves exactly one silence while acknowledged and none once open, resolved or closed', () => {
    fc.assert(
      fc.property(fc.constantFrom('open' as const, 'resolved' as const, 'closed' as const), ids, (s, existing) => {
        expect(after(existing, planSilences(s, existing))).toBe(0);
      }),
    );
    fc.assert(
      fc.property(ids, (existing) => {
        expect(after(existing, planSilences('acknowledged', existing))).toBe(1);
      }),
    );
  });

  it('leaves silences alone while the ticket is in progress or blocked', () => {
    fc.assert(
      fc.property(fc.constantFrom('in_progress' as const, 'blocked' as const), ids, (s, existing) => {
        expect(planSilences(s, existing)).toEqual({ create: false, expire: [], keep: existing[0] ?? null });
      }),
    );
  });

  it('is idempotent: planning again over the result asks for nothing more', () => {
    fc.assert(
      fc.property(status, ids, (s, existing) => {
        const plan = planSilences(s, existing);
        const left = existing.filter((id) => !plan.expire.includes(id));
        const result = plan.create ? [...left, 'new'] : left;
        const again = planSilences(s, result);
        expect(again.create).toBe(false);
        expect(again.expire).toEqual([]);
      }),
    );
  });

  it('never creates when one of ours exists (a lost answer is found, not repeated)', () => {
    expect(planSilences('acknowledged', ['s1'])).toEqual({ create: false, expire: [], keep: 's1' });
    expect(planSilences('acknowledged', ['s1', 's2'])).toEqual({ create: false, expire: ['s2'], keep: 's1' });
  });
});
