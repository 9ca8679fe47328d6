// What an Azure Monitor action group posts to a webhook with the common alert schema enabled
// (learn.microsoft.com, "Common alert schema" and "Sample alert payloads"): `essentials`, the
// same for every alert type, and an `alertContext` that varies by signal (metric, log search,
// activity log, resource and service health, Prometheus). Only what Lockstep reads is typed;
// unknown keys are ignored. Payloads in the older per-signal schemas are refused by `schemaId`.

import { z } from 'zod';
import { expected } from '#adapters/shared/parsing.ts';

const text = z.string({ error: expected('a string') });
const optionalText = text.nullable().optional();

/** Azure writes `2019-03-22T13:58:24.3713213Z` (seven fractional digits) or `...Z` with fewer. */
const instantShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const azureTimestamp = text.refine(
  (value) => instantShape.test(value) && !Number.isNaN(Date.parse(value)),
  { error: 'must be an ISO 8601 timestamp' },
);

/** The two monitor conditions of stateful alerts (activity log alerts only ever fire). */
export const monitorConditions = ['Fired', 'Resolved'] as const;

const essentialsSchema = z.object(
  {
    alertId: text.min(1, { error: 'must not be empty' }),
    alertRule: optionalText,
    severity: optionalText,
    signalType: optionalText,
    monitorCondition: z.enum(monitorConditions, { error: expected('Fired or Resolved') }),
    monitoringService: optionalText,
    alertTargetIDs: z.array(text, { error: expected('a list of resource ids') }).nullable().optional(),
    configurationItems: z.array(text, { error: expected('a list of strings') }).nullable().optional(),
    originAlertId: optionalText,
    firedDateTime: azureTimestamp,
    resolvedDateTime: azureTimestamp.nullable().optional(),
    description: optionalText,
  },
  { error: expected('an object') },
);

const dimensionSchema = z.object({ name: text, value: text });
const dimensionsSchema = z.array(dimensionSchema, { error: expected('a list of {name, value}') });

/** The parts of `alertContext` read for labels and state (everything else passes through). */
const alertContextSchema = z
  .object({
    condition: z
      .object({
        allOf: z
          .array(z.object({ dimensions: dimensionsSchema.nullable().optional() }), {
            error: expected('a list of conditions'),
          })
          .nullable()
          .optional(),
      })
      .nullable()
      .optional(),
    status: z.unknown().optional(),
    properties: z.record(text, z.unknown(), { error: expected('an object') }).nullable().optional(),
    labels: z.record(text, text, { error: expected('an object of strings') }).nullable().optional(),
    annotations: z.record(text, text, { error: expected('an object of strings') }).nullable().optional(),
  })
  .nullable()
  .optional();

/** One common-schema notification. */
export const commonAlertSchema = z.object({
  schemaId: z.literal('azureMonitorCommonAlertSchema', {
    error: 'must be "azureMonitorCommonAlertSchema" (enable the common alert schema on the action group)',
  }),
  data: z.object(
    {
      essentials: essentialsSchema,
      alertContext: alertContextSchema,
      customProperties: z.record(text, z.unknown(), { error: expected('an object') }).nullable().optional(),
    },
    { error: expected('an object') },
  ),
});

export type CommonAlert = z.output<typeof commonAlertSchema>;
