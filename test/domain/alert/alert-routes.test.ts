// Routing decisions: priority threshold, label match, each target once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertRoute } from '#domain/alert/alert-policy.ts';
import { dueRouteTargets, routeMatches } from '#domain/alert/alert-routes.ts';
import { priorities } from '#domain/ticket/fields.ts';

const route = (
  targetProjectId: string,
  minPriority: AlertRoute['minPriority'],
  labels: Record<string, string> = {},
): AlertRoute => ({ targetProjectId, minPriority, labels });

describe('alert routes', () => {
  it('matches a priority at least as urgent as minPriority, and every label', () => {
    expect(routeMatches(route('t', 'p2'), 'p1', {})).toBe(true);
    expect(routeMatches(route('t', 'p2'), 'p2', {})).toBe(true);
    expect(routeMatches(route('t', 'p2'), 'p3', {})).toBe(false);
    expect(routeMatches(route('t', null, { team: 'db' }), 'p5', { team: 'db', env: 'prod' })).toBe(true);
    expect(routeMatches(route('t', null, { team: 'db' }), 'p1', { team: 'web' })).toBe(false);
    expect(routeMatches(route('t', null, { team: 'db' }), 'p1', {})).toBe(false);
  });

  it('names each matching target once, leaving out those already routed', () => {
    const routes = [route('jira', 'p1'), route('hook', null, { team: 'db' }), route('jira', null)];
    expect(dueRouteTargets(routes, 'p3', { team: 'db' }, [])).toEqual(['hook', 'jira']);
    expect(dueRouteTargets(routes, 'p1', { team: 'db' }, ['hook'])).toEqual(['jira']);
    expect(dueRouteTargets(routes, 'p4', {}, [])).toEqual(['jira']);
  });

  it('never names a routed target, nor one twice', () => {
    const arbRoute = fc.record({
      targetProjectId: fc.constantFrom('a', 'b', 'c'),
      minPriority: fc.option(fc.constantFrom(...priorities)),
      labels: fc.constant({}),
    });
    fc.assert(
      fc.property(
        fc.array(arbRoute),
        fc.constantFrom(...priorities),
        fc.subarray(['a', 'b', 'c']),
        (routes, priority, routed) => {
          const due = dueRouteTargets(routes, priority, {}, routed);
          expect(new Set(due).size).toBe(due.length);
          expect(due.filter((id) => routed.includes(id))).toEqual([]);
        },
      ),
    );
  });
});
