// How one alert source's project turns alerts into alert-group tickets: which priority a source
// severity means, how long a resolved group may reopen, and where matching groups are routed.
// Parsed from the project's config by the source's connector; the alert-group engine only reads it.

import type { Priority } from '../ticket/fields.ts';

/** Links a matching group once to `targetProjectId` (the item is created there). */
export interface AlertRoute {
  readonly targetProjectId: string;
  /** The group's priority must be this urgent or more (p1 is the most urgent); null: any. */
  readonly minPriority: Priority | null;
  /** Every one of these labels must be on the group with this value. */
  readonly labels: Readonly<Record<string, string>>;
}

/** A source project's alert rules. */
export interface AlertPolicy {
  /** Source severity (lower case) -> priority: the source's defaults overlaid with the config's. */
  readonly severityMap: Readonly<Record<string, Priority>>;
  /** The priority of an alert whose severity is absent or not in the map. */
  readonly fallbackPriority: Priority;
  /** A firing within this long after the group resolved reopens its ticket; later, a new ticket. */
  readonly reopenWindowMs: number;
  readonly routes: readonly AlertRoute[];
}

/** The priority `severity` means under `policy` (case-insensitive; the fallback when unknown). */
export function priorityOfSeverity(policy: AlertPolicy, severity: string | null): Priority {
  if (severity === null) return policy.fallbackPriority;
  return policy.severityMap[severity.trim().toLowerCase()] ?? policy.fallbackPriority;
}
