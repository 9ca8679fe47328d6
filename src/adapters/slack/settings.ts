// A Slack project's settings: `config.channel` (a channel id such as `C0123456789`, or `#name`)
// and `config.baseUrl` (Slack's Web API, or a simulator), `credentials.botToken` (`xoxb-...`) and
// `credentials.signingSecret` (from the app's Basic Information page; signs interactivity requests).

import { z } from 'zod';
import { expected, httpUrl, nonEmptyString } from '#adapters/shared/parsing.ts';

/** Slack's Web API. */
export const defaultSlackBaseUrl = 'https://slack.com/api/';

export const slackConfigSchema = z
  .object(
    { channel: nonEmptyString, baseUrl: httpUrl.default(defaultSlackBaseUrl) },
    { error: expected('an object {channel, baseUrl?}') },
  )
  .strict();

export const slackCredentialsSchema = z
  .object({ botToken: nonEmptyString, signingSecret: nonEmptyString }, { error: expected('an object {botToken, signingSecret}') })
  .strict();

export type SlackConfig = z.output<typeof slackConfigSchema>;
export type SlackCredentials = z.output<typeof slackCredentialsSchema>;
