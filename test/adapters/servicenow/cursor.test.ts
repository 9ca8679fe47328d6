import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  nextPosition,
  pageQuery,
  type CursorPosition,
} from '#adapters/servicenow/cursor.ts';

describe('ServiceNow polling cursor', () => {
  it('round-trips and refuses a foreign cursor', () => {
    const position = { since: '2026-01-02 03:04:05', skip: 7 };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor(null)).toEqual({ skip: 0 });
    expect(() => decodeCursor('v1:1700000000000::')).toThrow(/not a ServiceNow cursor/);
  });

  it('asks from since, oldest first, within the scope', () => {
    expect(pageQuery({ skip: 0 }, '')).toBe('ORDERBYsys_updated_on^ORDERBYsys_id');
    expect(pageQuery({ since: '2026-01-02 03:04:05', skip: 2 }, 'assignment_group=abc')).toBe(
      'assignment_group=abc^sys_updated_on>=2026-01-02 03:04:05^ORDERBYsys_updated_on^ORDERBYsys_id',
    );
  });

  it('pages through records sharing timestamps reading each exactly once', () => {
    // The table as the Table API would page it: sorted by (sys_updated_on, sys_id), from `since`, skipping `skip`.
    const table = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 40 });
    fc.assert(
      fc.property(table, fc.integer({ min: 1, max: 7 }), (seconds, pageSize) => {
        const byTimeThenId = (a: { id: string; at: string }, b: { id: string; at: string }) =>
          a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1;
        const rows = seconds.map((s, i) => ({ id: String(i).padStart(3, '0'), at: `2026-01-01 00:00:0${s}` }));
        rows.sort(byTimeThenId);
        let position: CursorPosition = { skip: 0 };
        const seen: string[] = [];
        for (let guard = 0; guard < 100; guard += 1) {
          const from = rows.filter((row) => position.since === undefined || row.at >= position.since);
          const page = from.slice(position.skip, position.skip + pageSize);
          seen.push(...page.map((row) => row.id));
          const next = nextPosition(position, page.map((row) => row.at), page.length >= pageSize);
          position = next.position;
          if (next.done) break;
        }
        expect([...seen].sort()).toEqual(rows.map((row) => row.id).sort());
        expect(new Set(seen).size).toBe(seen.length);
      }),
    );
  });
});
