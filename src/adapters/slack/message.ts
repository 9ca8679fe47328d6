// How a ticket looks in Slack: one message showing its title, status and priority, with the
// buttons Acknowledge and Resolve (Block Kit), and message metadata naming the ticket so that a
// retried post can find the message an earlier, unanswered one made.

import type { JsonValue } from '#domain/json.ts';

/** The `action_id`s of the buttons, and the statuses they ask for. */
export const slackActions = { lockstep_acknowledge: 'acknowledged', lockstep_resolve: 'resolved' } as const;
export type SlackActionId = keyof typeof slackActions;

/** The metadata event type of Lockstep's messages. */
export const slackMetadataEventType = 'lockstep_ticket';

const label = (value: JsonValue | undefined): string => (typeof value === 'string' ? value.toUpperCase() : '—');

/** The message's text (notifications, screen readers) and blocks for `ticket` (its mapped fields and id). */
export function slackMessageOf(ticket: Readonly<Record<string, JsonValue>>): { text: string; blocks: JsonValue[] } {
  const title = typeof ticket['title'] === 'string' ? ticket['title'] : 'Untitled ticket';
  const id = String(ticket['id'] ?? '');
  const status = label(ticket['status']);
  const priority = label(ticket['priority']);
  const text = `${title} — ${status}, ${priority}`;
  const blocks: JsonValue[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escape(title)}*` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Status*\n${status}` },
        { type: 'mrkdwn', text: `*Priority*\n${priority}` },
      ],
    },
    {
      type: 'actions',
      block_id: `lockstep:${id}`,
      elements: [
        { type: 'button', action_id: 'lockstep_acknowledge', text: { type: 'plain_text', text: 'Acknowledge' }, value: id },
        { type: 'button', action_id: 'lockstep_resolve', text: { type: 'plain_text', text: 'Resolve' }, style: 'primary', value: id },
      ],
    },
  ];
  return { text, blocks };
}

/** Slack's mrkdwn escapes: &, < and >. */
function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The item id of a message: `<channel id>:<ts>`. */
export function messageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/** The channel and ts of an item id; throws on a malformed one. */
export function messageRef(externalId: string): { channel: string; ts: string } {
  const at = externalId.indexOf(':');
  if (at <= 0 || at === externalId.length - 1) throw new Error(`not a Slack message id: "${externalId}"`);
  return { channel: externalId.slice(0, at), ts: externalId.slice(at + 1) };
}
