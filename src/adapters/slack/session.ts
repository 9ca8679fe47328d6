// A Slack channel as a place where tickets are shown: linking a ticket posts its message
// (`chat.postMessage`, with metadata naming the ticket), every change redraws it in place
// (`chat.update`). A post retried after a lost answer first looks through the channel's recent
// messages for the one the earlier attempt made (`conversations.history`), so no ticket gets two.

import type { WebClient } from '@slack/web-api';
import { ExternalCallError, type ConnectorSession, type OutboundRequest } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import { createSlackClient, slackCall } from './client.ts';
import { messageId, messageRef, slackMessageOf, slackMetadataEventType } from './message.ts';
import type { SlackConfig, SlackCredentials } from './settings.ts';

/** The message an earlier post for `ticketId` left in `channel`, among the latest 100. */
async function earlierPost(client: WebClient, channel: string, ticketId: string): Promise<{ channel: string; ts: string } | null> {
  let history;
  try {
    history = await slackCall('conversations.history', () => client.conversations.history({ channel, limit: 100, include_all_metadata: true }));
  } catch (error) {
    // Without the history scope the earlier post cannot be looked for: post again rather than stop the project.
    if (error instanceof ExternalCallError && error.message.endsWith('missing_scope')) return null;
    throw error;
  }
  for (const message of history.messages ?? []) {
    const payload = message.metadata?.event_payload as Record<string, unknown> | undefined;
    if (message.metadata?.event_type === slackMetadataEventType && payload?.['ticket_id'] === ticketId && message.ts) {
      return { channel, ts: message.ts };
    }
  }
  return null;
}

/** A session posting to `config.channel` as the bot. */
export function createSlackSession(config: SlackConfig, credentials: SlackCredentials): ConnectorSession {
  const client = createSlackClient(config.baseUrl, credentials.botToken);
  const render = (request: OutboundRequest) => slackMessageOf({ ...request.ticket, id: request.ticketId } as Record<string, JsonValue>);
  const nothingToRead = async (): Promise<never> => {
    throw new ExternalCallError('rejected', 'Slack messages show tickets; there is nothing to read back');
  };
  return {
    async testConnection() {
      await slackCall('auth.test', () => client.auth.test());
    },
    fetchChanges: nothingToRead,
    fetchItem: nothingToRead,
    async createItem(request) {
      const found = request.retry ? await earlierPost(client, config.channel, request.ticketId) : null;
      if (found) {
        const { text, blocks } = render(request);
        await slackCall('chat.update', () => client.chat.update({ channel: found.channel, ts: found.ts, text, blocks: blocks as never }));
        return { externalId: messageId(found.channel, found.ts) };
      }
      const { text, blocks } = render(request);
      const posted = await slackCall('chat.postMessage', () =>
        client.chat.postMessage({
          channel: config.channel,
          text,
          blocks: blocks as never,
          metadata: { event_type: slackMetadataEventType, event_payload: { ticket_id: request.ticketId } },
        }),
      );
      if (!posted.channel || !posted.ts) throw new ExternalCallError('unavailable', 'Slack chat.postMessage answered without channel and ts');
      return { externalId: messageId(posted.channel, posted.ts) };
    },
    async updateItem(externalId, request) {
      const ref = messageRef(externalId);
      const { text, blocks } = render(request);
      await slackCall('chat.update', () => client.chat.update({ channel: ref.channel, ts: ref.ts, text, blocks: blocks as never }));
      return { externalId };
    },
  };
}
