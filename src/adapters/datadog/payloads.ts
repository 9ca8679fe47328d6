// What the Datadog Webhooks integration posts (docs.datadoghq.com, "Webhooks"): its default
// payload (`$EVENT_MSG`, `$LAST_UPDATED`, `$EVENT_TYPE`, `$EVENT_TITLE`, `$DATE`, `$ORG_ID`,
// `$ORG_NAME`, `$ID`), and the payload the README asks users to paste, which adds the alert
// variables (`$ALERT_ID`, `$ALERT_TRANSITION`, `$ALERT_SCOPE`, `$AGGREG_KEY`, `$TAGS`...).
// Datadog substitutes variables as text, so numbers arrive as strings; both spellings are read.

import { z } from 'zod';
import { expected } from '#adapters/shared/parsing.ts';

const text = z.string({ error: expected('a string') });

/** `$DATE`/`$LAST_UPDATED`: epoch milliseconds (seconds also read), as text or a number. */
export const datadogEpoch = z
  .union([text.regex(/^\d{1,16}$/, { error: 'must be epoch milliseconds such as 1406662672000' }), z.number()], {
    error: expected('epoch milliseconds'),
  })
  .transform((value) => Number(value))
  .refine((value) => Number.isSafeInteger(value) && value >= 0 && value <= 253402300799999, {
    error: 'must be epoch milliseconds such as 1406662672000',
  })
  .transform((value) => (value < 1e11 ? value * 1000 : value));

const idText = z.union([text, z.number()], { error: expected('a string') }).transform(String);

/** The Webhooks integration's default payload. */
export const defaultPayloadSchema = z.object({
  id: idText.optional(),
  title: text,
  body: text.optional(),
  event_type: text.optional(),
  date: datadogEpoch.optional(),
  last_updated: datadogEpoch.optional(),
  org: z.object({ id: idText.optional(), name: text.optional() }, { error: expected('an object') }).optional(),
});

/** The README's payload: the default one plus the alert variables. */
export const templatePayloadSchema = defaultPayloadSchema.extend({
  title: text.optional(),
  alert_transition: text,
  alert_id: idText.optional(),
  alert_title: text.optional(),
  alert_type: text.optional(),
  alert_priority: text.optional(),
  alert_scope: text.optional(),
  alert_cycle_key: text.optional(),
  aggreg_key: text.optional(),
  alert_metric: text.optional(),
  alert_status: text.optional(),
  link: text.optional(),
  tags: z.union([text, z.array(text)], { error: expected('comma-separated tags') }).optional(),
  hostname: text.optional(),
});

export type DefaultPayload = z.output<typeof defaultPayloadSchema>;
export type TemplatePayload = z.output<typeof templatePayloadSchema>;
