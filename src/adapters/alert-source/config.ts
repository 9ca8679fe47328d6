// The config keys every alert source shares (CONTRACT.md, "Alert sources"): `severityMap`,
// `reopenWindowSeconds` and `routes`. Each source builds its schema from `alertSourceConfigShape`
// plus its own keys, so the admin sees one spelling and one set of error messages for all seven.

import { z } from 'zod';
import type { AlertPolicy, AlertRoute } from '#domain/alert/alert-policy.ts';
import { priorities, type Priority } from '#domain/ticket/fields.ts';
import { expected, nonEmptyString } from '#adapters/shared/parsing.ts';

/** How long a resolved group may reopen its ticket, unless the config says otherwise. */
export const defaultReopenWindowSeconds = 3600;

/** `P1`, `p1`, ` P1 ` -> `p1`. */
export const prioritySchema = z
  .string({ error: expected(`one of ${priorities.map((p) => p.toUpperCase()).join(', ')}`) })
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.enum(priorities, { error: `must be one of ${priorities.map((p) => p.toUpperCase()).join(', ')}` }));

const severityKey = z.string().trim().min(1, { error: 'severity names must not be empty' });

const routeSchema = z
  .object(
    {
      targetProjectId: nonEmptyString,
      minPriority: prioritySchema.optional(),
      labels: z
        .record(nonEmptyString, z.string({ error: expected('a string') }), {
          error: expected('an object: label name -> value'),
        })
        .optional(),
    },
    { error: expected('an object {targetProjectId, minPriority?, labels?}') },
  )
  .strict();

/** The shared keys, with their defaults filled in (spread into each source's z.object). */
export const alertSourceConfigShape = {
  /** Source severity -> priority; keys compared case-insensitively, overlaying the source's defaults. */
  severityMap: z
    .record(severityKey, prioritySchema, { error: expected('an object: source severity -> priority') })
    .transform((map) => Object.fromEntries(Object.entries(map).map(([key, value]) => [key.toLowerCase(), value])))
    .default({}),
  reopenWindowSeconds: z
    .number({ error: expected('a number of seconds') })
    .int({ error: 'must be a whole number of seconds' })
    .min(0, { error: 'must not be negative' })
    .max(30 * 24 * 3600, { error: 'must be at most 30 days (2592000 seconds)' })
    .default(defaultReopenWindowSeconds),
  routes: z
    .array(routeSchema, { error: expected('a list of routes') })
    .max(50, { error: 'must hold at most 50 routes' })
    .default([]),
};

/** The shared keys, as parsed. */
export interface AlertSourceConfig {
  readonly severityMap: Readonly<Record<string, Priority>>;
  readonly reopenWindowSeconds: number;
  readonly routes: ReadonlyArray<{
    readonly targetProjectId: string;
    readonly minPriority?: Priority | undefined;
    readonly labels?: Readonly<Record<string, string>> | undefined;
  }>;
}

/** A source's config schema: the shared keys plus `extra`; unknown keys are refused by name. */
export function alertSourceConfigSchema<Extra extends z.ZodRawShape>(extra: Extra) {
  return z.object({ ...alertSourceConfigShape, ...extra }, { error: expected('an object') }).strict();
}

/** What a source decides about priorities when the config is silent. */
export interface SeverityDefaults {
  /** Source severity (any case) -> priority, e.g. `{ critical: 'p1', warning: 'p3', info: 'p5' }`. */
  readonly severityMap: Readonly<Record<string, Priority>>;
  /** For alerts without a severity, or with one the map lacks. */
  readonly fallbackPriority: Priority;
}

/** The alert rules of a parsed `config`, over the source's `defaults`. */
export function alertPolicyOf(config: AlertSourceConfig, defaults: SeverityDefaults): AlertPolicy {
  const severityMap: Record<string, Priority> = {};
  for (const [key, value] of Object.entries(defaults.severityMap)) severityMap[key.toLowerCase()] = value;
  for (const [key, value] of Object.entries(config.severityMap)) severityMap[key.toLowerCase()] = value;
  const routes: AlertRoute[] = config.routes.map((route) => ({
    targetProjectId: route.targetProjectId,
    minPriority: route.minPriority ?? null,
    labels: route.labels ?? {},
  }));
  return {
    severityMap,
    fallbackPriority: defaults.fallbackPriority,
    reopenWindowMs: config.reopenWindowSeconds * 1000,
    routes,
  };
}
