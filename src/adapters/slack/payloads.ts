// What Slack posts to the interactivity Request URL when a button is pressed: a form body whose
// `payload` field is JSON of type `block_actions` (docs.slack.dev, "block_actions payload"; the
// shape bolt-js types as BlockAction): the user, the message's channel and ts, and the actions.

import { z } from 'zod';
import { expected } from '#adapters/shared/parsing.ts';

const text = z.string({ error: expected('a string') });

export const blockActionsSchema = z.object({
  type: z.literal('block_actions', { error: 'must be "block_actions"' }),
  trigger_id: text.optional(),
  user: z.object({ id: text, username: text.optional(), name: text.optional() }, { error: expected('an object') }),
  container: z
    .object({ type: text.optional(), message_ts: text.optional(), channel_id: text.optional() }, { error: expected('an object') })
    .optional(),
  channel: z.object({ id: text }, { error: expected('an object') }).optional(),
  message: z.object({ ts: text }, { error: expected('an object') }).optional(),
  actions: z
    .array(z.object({ action_id: text, action_ts: text.optional(), value: text.optional() }), { error: expected('a list of actions') })
    .min(1, { error: 'must hold an action' }),
});

export type SlackBlockActions = z.output<typeof blockActionsSchema>;
