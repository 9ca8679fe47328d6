// Alert routes are sync rules written on the alert source: a route to project T is T's rule
// "alert groups from this source, this urgent, whose alerts all carry these labels". One matcher
// and one linker serve both, while routes stay where admins write them (the source's config).

import type { AlertRoute } from '../alert/alert-policy.ts';
import type { LinkRule } from './link-rule.ts';

/** The rule of `route.targetProjectId` that route of source `sourceProjectId` stands for. */
export function routeRule(sourceProjectId: string, route: AlertRoute): LinkRule {
  return {
    kinds: ['alert_group'],
    labels: null,
    minPriority: route.minPriority,
    statuses: null,
    originProjectIds: [sourceProjectId],
    ...(Object.keys(route.labels).length > 0 ? { alertLabels: route.labels } : {}),
  };
}

/** Each target project's rules from the routes of `sources`, by target id. */
export function routeRulesByTarget(
  sources: ReadonlyArray<{ readonly id: string; readonly routes: readonly AlertRoute[] }>,
): Map<string, LinkRule[]> {
  const byTarget = new Map<string, LinkRule[]>();
  for (const source of sources) {
    for (const route of source.routes) {
      byTarget.set(route.targetProjectId, [...(byTarget.get(route.targetProjectId) ?? []), routeRule(source.id, route)]);
    }
  }
  return byTarget;
}
