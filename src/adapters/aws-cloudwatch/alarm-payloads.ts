// The JSON a CloudWatch alarm publishes to an SNS topic when it changes state (the `Message` of an
// SNS Notification), parsed with zod. Metric alarms carry a `Trigger` with the metric, or with
// `Metrics` for metric-math and anomaly-detection alarms; composite alarms carry `AlarmRule`
// instead. Older messages lack `AlarmArn`. Unknown keys are ignored.

import { z } from 'zod';
import { expected } from '#adapters/shared/parsing.ts';

const text = z.string({ error: expected('a string') });

const instantShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** CloudWatch writes `2024-07-05T15:20:44.959+0000`; Date.parse reads it. */
const alarmTimestamp = text.refine(
  (value) => instantShape.test(value) && !Number.isNaN(Date.parse(value)),
  { error: 'must be a timestamp such as 2024-07-05T15:20:44.959+0000' },
);

/** The states an alarm can be in. */
export const alarmStates = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof alarmStates)[number];

const dimensionSchema = z.object({ name: text, value: text });
const dimensionsSchema = z.array(dimensionSchema, { error: expected('a list of {name, value}') });

const metricStatSchema = z.object({
  MetricStat: z
    .object({
      Metric: z
        .object({ MetricName: text.optional(), Namespace: text.optional(), Dimensions: dimensionsSchema.optional() })
        .optional(),
    })
    .optional(),
});

const triggerSchema = z.object(
  {
    MetricName: text.nullable().optional(),
    Namespace: text.nullable().optional(),
    Dimensions: dimensionsSchema.nullable().optional(),
    Metrics: z.array(metricStatSchema, { error: expected('a list of metrics') }).optional(),
  },
  { error: expected('an object') },
);

/** One alarm state change. */
export const alarmMessageSchema = z.object({
  AlarmName: text.min(1, { error: 'must not be empty' }),
  AlarmDescription: text.nullable().optional(),
  AWSAccountId: text.optional(),
  NewStateValue: z.enum(alarmStates, { error: expected('ALARM, OK or INSUFFICIENT_DATA') }),
  NewStateReason: text.nullable().optional(),
  StateChangeTime: alarmTimestamp,
  Region: text.optional(),
  AlarmArn: text.min(1, { error: 'must not be empty' }).optional(),
  OldStateValue: text.optional(),
  Trigger: triggerSchema.optional(),
  AlarmRule: text.optional(),
});

export type AlarmMessage = z.output<typeof alarmMessageSchema>;
