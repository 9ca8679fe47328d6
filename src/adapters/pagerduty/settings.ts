// A PagerDuty project's settings: the alert-source keys plus, for write-back through the REST API
// v2, `baseUrl`, `serviceId` (where new incidents open) and `fromEmail` (the PagerDuty user the
// changes are made as; the `From` header), `credentials.apiToken` (a REST API key) and
// `credentials.webhookSecret` (the signing secret PagerDuty generated for the webhook subscription,
// accepted besides the project's own). All are optional for a project that only receives webhooks;
// a write without them fails naming the key.

import { z } from 'zod';
import { alertSourceConfigSchema } from '#adapters/alert-source/config.ts';
import { expected, httpUrl, nonEmptyString } from '#adapters/shared/parsing.ts';

/** PagerDuty's public REST API. */
export const defaultPagerDutyBaseUrl = 'https://api.pagerduty.com/';

export const pagerDutyConfigSchema = alertSourceConfigSchema({
  baseUrl: httpUrl.default(defaultPagerDutyBaseUrl),
  serviceId: nonEmptyString.optional(),
  fromEmail: z.email({ error: expected('an email address') }).optional(),
});

export const pagerDutyCredentialsSchema = z
  .object(
    { apiToken: nonEmptyString.optional(), webhookSecret: nonEmptyString.optional() },
    { error: expected('an object {apiToken?, webhookSecret?}') },
  )
  .strict();

export type PagerDutyConfig = z.output<typeof pagerDutyConfigSchema>;
export type PagerDutyCredentials = z.output<typeof pagerDutyCredentialsSchema>;
