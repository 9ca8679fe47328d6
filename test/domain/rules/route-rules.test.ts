// Alert routes as sync rules of their targets: a route matches an alert group of its source at
// least as urgent as its minPriority whose alerts all carry its labels, and nothing else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertRoute } from '#domain/alert/alert-policy.ts';
import { ruleMatches, type RuleSubject } from '#domain/rules/link-rule.ts';
import { routeRule, routeRulesByTarget } from '#domain/rules/route-rules.ts';
import { priorities, privacyLevels, ticketKinds, ticketStatuses } from '#domain/ticket/fields.ts';

const route = (targetProjectId: string, minPriority: AlertRoute['minPriority'], labels: Record<string, string> = {}): AlertRoute => ({
  targetProjectId,
  minPriority,
  labels,
});
const group = (priority: RuleSubject['priority'], alertLabels: Record<string, string>): RuleSubject => ({
  kind: 'alert_group',
  labels: [],
  priority,
  status: 'open',
  privacy: 'shareable',
  originReplica: 'source',
  alertLabels,
});
const matches = (r: AlertRoute, subject: RuleSubject) => ruleMatches(routeRule('source', r), subject);

describe('an alert route as a rule', () => {
  it('matches a priority at least as urgent as minPriority, and every label', () => {
    expect(matches(route('t', 'p2'), group('p1', {}))).toBe(true);
    expect(matches(route('t', 'p2'), group('p2', {}))).toBe(true);
    expect(matches(route('t', 'p2'), group('p3', {}))).toBe(false);
    expect(matches(route('t', null, { team: 'db' }), group('p5', { team: 'db', env: 'prod' }))).toBe(true);
    expect(matches(route('t', null, { team: 'db' }), group('p1', { team: 'web' }))).toBe(false);
    expect(matches(route('t', null, { team: 'db' }), group('p1', {}))).toBe(false);
  });

  it('matches exactly the alert groups of its source as urgent as it asks, carrying its labels', () => {
    const subject = fc.record({
      kind: fc.constantFrom(...ticketKinds),
      labels: fc.constant([]),
      priority: fc.constantFrom(...priorities),
      status: fc.constantFrom(...ticketStatuses),
      privacy: fc.constantFrom(...privacyLevels),
      originReplica: fc.option(fc.constantFrom('source', 'other'), { nil: null }),
      alertLabels: fc.dictionary(fc.constantFrom('team', 'env'), fc.constantFrom('db', 'web', 'prod')),
    });
    const arbRoute = fc.record({
      targetProjectId: fc.constant('t'),
      minPriority: fc.option(fc.constantFrom(...priorities), { nil: null }),
      labels: fc.dictionary(fc.constantFrom('team', 'env'), fc.constantFrom('db', 'web', 'prod')),
    });
    fc.assert(
      fc.property(arbRoute, subject, (r, s) => {
        const urgent = r.minPriority === null || priorities.indexOf(s.priority) <= priorities.indexOf(r.minPriority);
        const labelled = Object.entries(r.labels).every(([name, value]) => s.alertLabels[name] === value);
        const fromSource = s.kind === 'alert_group' && s.originReplica === 'source';
        return matches(r, s) === (fromSource && urgent && labelled);
      }),
    );
  });

  it("gathers each target's rules from every source", () => {
    const byTarget = routeRulesByTarget([
      { id: 'am', routes: [route('jira', 'p1'), route('hook', null, { team: 'db' })] },
      { id: 'grafana', routes: [route('jira', null)] },
    ]);
    expect(byTarget.get('jira')?.map((rule) => rule.originProjectIds)).toEqual([['am'], ['grafana']]);
    expect(byTarget.get('hook')).toEqual([
      { kinds: ['alert_group'], labels: null, minPriority: null, statuses: null, originProjectIds: ['am'], alertLabels: { team: 'db' } },
    ]);
  });
});
