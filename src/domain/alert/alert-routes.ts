// Routing: a group whose priority is at least a route's `minPriority` and whose labels match the
// route's is linked once to the route's target project (the item is created there). Pure: the
// engine asks which targets are due and records the ones it linked, so none is linked twice.

import type { Priority } from '../ticket/fields.ts';
import type { AlertRoute } from './alert-policy.ts';
import { moreUrgent } from './alert-group.ts';

/** True when a group of `priority` carrying `labels` matches `route`. */
export function routeMatches(route: AlertRoute, priority: Priority, labels: Readonly<Record<string, string>>): boolean {
  if (route.minPriority !== null && moreUrgent(route.minPriority, priority)) return false;
  return Object.entries(route.labels).every(([name, value]) => labels[name] === value);
}

/** The target projects `routes` send this group to that it was not yet sent to, in route order, once each. */
export function dueRouteTargets(
  routes: readonly AlertRoute[],
  priority: Priority,
  labels: Readonly<Record<string, string>>,
  routed: readonly string[],
): string[] {
  const due: string[] = [];
  for (const route of routes) {
    if (routed.includes(route.targetProjectId) || due.includes(route.targetProjectId)) continue;
    if (routeMatches(route, priority, labels)) due.push(route.targetProjectId);
  }
  return due;
}
