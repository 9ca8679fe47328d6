// GitHub stamps issues to the second, so two edits in one second report equal ordering keys. The
// domain must take an equal key as current (compare the values), and only an older key as stale.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyExternalReport } from '#domain/sync/classify.ts';
import { itemFromIssue } from '#adapters/github/items.ts';
import { createGithubMapping } from '#adapters/github/mapping.ts';
import { parseGithubConfig } from '#adapters/github/settings.ts';

const mapping = createGithubMapping(parseGithubConfig({ owner: 'acme', repo: 'web' }));
const issueAt = (updatedMs: number, title: string) =>
  itemFromIssue(
    { number: 7, title, body: null, state: 'open', labels: [], created_at: 0, updated_at: updatedMs },
    mapping,
  );

describe('ordering keys of GitHub reports', () => {
  it('gives two edits of one second equal keys, and the second edit still applies', () => {
    const first = issueAt(Date.parse('2026-11-29T10:00:00Z'), 'First');
    const second = issueAt(Date.parse('2026-11-29T10:00:00Z'), 'Second');
    expect(second.orderingKey).toBe(first.orderingKey);
    const side = { base: { value: 'First', version: { gh: 1 } }, pending: null, orderingKey: first.orderingKey };
    const report = {
      field: 'title',
      value: 'Second',
      orderingKey: second.orderingKey,
      observedAtMs: second.observedAtMs,
    };
    expect(classifyExternalReport({ register: undefined, side }, report).kind).toBe('fast_forward');
  });

  it('never takes an equal key as stale, and always takes an older one as stale', () => {
    const second = fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map((s) => s * 1000);
    fc.assert(
      fc.property(
        second,
        fc.string(),
        fc.string(),
        fc.integer({ min: 1, max: 86_400 }),
        (at, seen, reported, earlier) => {
          const known = issueAt(at, 'x').orderingKey;
          const side = { base: { value: seen, version: { gh: 1 } }, pending: null, orderingKey: known };
          const same = classifyExternalReport(
            { register: undefined, side },
            { field: 'title', value: reported, orderingKey: issueAt(at, reported).orderingKey, observedAtMs: at },
          );
          expect(same.kind).toBe(reported === seen ? 'no_change' : 'fast_forward');
          const older = issueAt(at - earlier * 1000, reported).orderingKey;
          expect(
            classifyExternalReport(
              { register: undefined, side },
              { field: 'title', value: reported, orderingKey: older, observedAtMs: at },
            ).kind,
          ).toBe('stale');
        },
      ),
    );
  });
});
