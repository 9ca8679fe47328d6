// Sync rules as properties: a ticket matches a rule iff it meets every criterion the rule sets
// (labels: any of them; minPriority: that or more urgent), a project's rules are a disjunction,
// no rules want nothing, privacy and direction still decide, and a change links a ticket only
// when it makes the ticket wanted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidLinkRule,
  linksOnChange,
  matchesAnyRule,
  parseLinkRules,
  ruleMatches,
  wantedByRules,
  type LinkRule,
  type RuleSubject,
} from '#domain/rules/link-rule.ts';
import { subjectBefore } from '#domain/rules/rule-subject.ts';
import type { SyncDirection } from '#domain/sync/policy.ts';
import { priorities, privacyLevels, ticketKinds, ticketStatuses } from '#domain/ticket/fields.ts';

const labelPool = ['db', 'web', 'ops', 'sec'];
const projectPool = ['p-a', 'p-b', 'p-c'];

const subject: fc.Arbitrary<RuleSubject> = fc.record({
  kind: fc.constantFrom(...ticketKinds),
  labels: fc.uniqueArray(fc.constantFrom(...labelPool)),
  priority: fc.constantFrom(...priorities),
  status: fc.constantFrom(...ticketStatuses),
  privacy: fc.constantFrom(...privacyLevels),
  originReplica: fc.option(fc.constantFrom(...projectPool, 'hub'), { nil: null }),
});

const someOf = <T>(values: readonly T[]) => fc.option(fc.uniqueArray(fc.constantFrom(...values), { minLength: 1 }), { nil: null });
const rule: fc.Arbitrary<LinkRule> = fc.record({
  kinds: someOf(ticketKinds),
  labels: someOf(labelPool),
  minPriority: fc.option(fc.constantFrom(...priorities), { nil: null }),
  statuses: someOf(ticketStatuses),
  originProjectIds: someOf(projectPool),
});

const direction = fc.constantFrom<SyncDirection>('push', 'pull', 'bidirectional', 'disabled');
const policy = fc.record({ direction, allowsShareable: fc.boolean() });

/** The specification, written independently of the implementation: criterion by criterion. */
function meets(r: LinkRule, s: RuleSubject): boolean {
  const criteria: boolean[] = [];
  if (r.kinds) criteria.push(r.kinds.includes(s.kind));
  if (r.statuses) criteria.push(r.statuses.includes(s.status));
  if (r.minPriority) criteria.push(Number(s.priority.slice(1)) <= Number(r.minPriority.slice(1)));
  if (r.labels) criteria.push(s.labels.some((label) => r.labels?.includes(label)));
  if (r.originProjectIds) criteria.push(s.originReplica !== null && r.originProjectIds.includes(s.originReplica));
  return criteria.every(Boolean);
}

describe('a rule', () => {
  it('matches iff every criterion it sets matches', () => {
    fc.assert(fc.property(rule, subject, (r, s) => ruleMatches(r, s) === meets(r, s)));
  });

  it('takes any of its labels, and that priority or a more urgent one', () => {
    const r = parseLinkRules([{ labels: ['db', 'web'], minPriority: 'p2' }])[0] as LinkRule;
    const s: RuleSubject = { kind: 'ticket', labels: ['web'], priority: 'p2', status: 'open', privacy: 'public', originReplica: null };
    expect(ruleMatches(r, s)).toBe(true);
    expect(ruleMatches(r, { ...s, priority: 'p1' })).toBe(true);
    expect(ruleMatches(r, { ...s, priority: 'p3' })).toBe(false);
    expect(ruleMatches(r, { ...s, labels: ['ops'] })).toBe(false);
  });

  it('that sets nothing matches every ticket; a rule naming origins never matches a ticket born on the hub', () => {
    fc.assert(
      fc.property(subject, (s) => {
        expect(ruleMatches(parseLinkRules([{}])[0] as LinkRule, s)).toBe(true);
        const fromA = parseLinkRules([{ originProjectIds: ['p-a'] }])[0] as LinkRule;
        expect(ruleMatches(fromA, { ...s, originReplica: null })).toBe(false);
        expect(ruleMatches(fromA, { ...s, originReplica: 'p-a' })).toBe(true);
      }),
    );
  });

  it('only narrows when a criterion is added', () => {
    fc.assert(
      fc.property(rule, subject, fc.constantFrom(...priorities), (r, s, min) => {
        const loose = { ...r, minPriority: null };
        return !ruleMatches({ ...loose, minPriority: min }, s) || ruleMatches(loose, s);
      }),
    );
  });
});

describe("a project's rules", () => {
  it('match when any rule matches; no rules match nothing', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 4 }), subject, (rules, s) => {
        expect(matchesAnyRule(rules, s)).toBe(rules.some((r) => meets(r, s)));
        expect(matchesAnyRule([], s)).toBe(false);
      }),
    );
  });

  it('want a ticket only where its privacy and the direction let it go: LOCAL_ONLY never', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 4 }), policy, subject, (rules, p, s) => {
        const mayGo = s.privacy === 'public' || (s.privacy === 'shareable' && p.allowsShareable);
        const pushes = p.direction === 'push' || p.direction === 'bidirectional';
        expect(wantedByRules(rules, p, s)).toBe(mayGo && pushes && matchesAnyRule(rules, s));
      }),
    );
  });
});

describe('a change', () => {
  it('links a ticket iff it is wanted after the change and was not before (a new ticket: iff wanted)', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 3 }), policy, subject, subject, (rules, p, before, after) => {
        expect(linksOnChange(rules, p, before, after)).toBe(wantedByRules(rules, p, after) && !wantedByRules(rules, p, before));
        expect(linksOnChange(rules, p, null, after)).toBe(wantedByRules(rules, p, after));
      }),
    );
  });

  it('that leaves a wanted ticket wanted does not link it again', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 3 }), policy, subject, (rules, p, s) => {
        expect(linksOnChange(rules, p, s, s)).toBe(false);
      }),
    );
  });

  it('is undone field by field to see the ticket as it was', () => {
    const now: RuleSubject = { kind: 'incident', labels: ['db'], priority: 'p1', status: 'open', privacy: 'public', originReplica: 'p-a' };
    const before = subjectBefore(now, [
      { field: 'labels', from: [], to: ['db'], origin: { replica: 'hub' } },
      { field: 'priority', from: 'p4', to: 'p1', origin: { replica: 'hub' } },
      { field: 'privacy', from: 'local_only', to: 'public', origin: { replica: 'hub' } },
      { field: 'title', from: 'a', to: 'b', origin: { replica: 'hub' } },
    ]);
    expect(before).toEqual({ ...now, labels: [], priority: 'p4', privacy: 'local_only' });
  });
});

describe('parsing rules', () => {
  it('normalises lists (sorted, without duplicates) and refuses bad ones, naming the criterion', () => {
    expect(parseLinkRules([{ labels: [' web ', 'db', 'web'], kinds: ['incident', 'ticket', 'incident'] }])).toEqual([
      { kinds: ['incident', 'ticket'], labels: ['db', 'web'], minPriority: null, statuses: null, originProjectIds: null },
    ]);
    expect(() => parseLinkRules([{}, { labels: [] }])).toThrow(/linkRules\[1\]\.labels: must not be empty/);
    expect(() => parseLinkRules([{ minPriority: 'p9' }])).toThrow(InvalidLinkRule);
    expect(() => parseLinkRules([{ statuses: ['done'] }])).toThrow(/linkRules\[0\]\.statuses: unknown value "done"/);
    expect(() => parseLinkRules(Array.from({ length: 51 }, () => ({})))).toThrow(/at most 50 rules/);
  });
});
