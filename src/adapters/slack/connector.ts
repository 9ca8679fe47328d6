// The SLACK connector: each linked ticket is one message in the channel, redrawn on every change
// (session.ts), with Acknowledge and Resolve buttons. A press arrives at the project's webhook URL
// as a Slack interactivity request, verified by Slack's v0 signature with the app's signing
// secret and at most five minutes old; it is answered 200 at once (Slack allows three seconds)
// and applied afterwards as the Slack user's change of the ticket's status.

import { z } from 'zod';
import type { JsonValue } from '#domain/json.ts';
import { InvalidConnectorSettings, InvalidDelivery, type Connector, type ExternalItem } from '#domain/project/connector.ts';
import { describeIssues, parseDeliveryBody } from '#adapters/shared/parsing.ts';
import { slackActions, messageId, type SlackActionId } from './message.ts';
import { blockActionsSchema, type SlackBlockActions } from './payloads.ts';
import { createSlackSession } from './session.ts';
import { slackConfigSchema, slackCredentialsSchema } from './settings.ts';
import { describeSettings } from '#adapters/shared/settings-schemas.ts';
import { verifySlackDelivery } from './signature.ts';

function parseSection<T>(schema: z.ZodType<T>, value: unknown, section: 'config' | 'credentials'): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidConnectorSettings(`${section}: must be an object`);
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidConnectorSettings(describeIssues(result.error, section));
  return result.data;
}

/** The `payload` field of Slack's form body, as JSON. */
function payloadOf(rawBody: Uint8Array): unknown {
  const form = new URLSearchParams(Buffer.from(rawBody).toString('utf8'));
  const payload = form.get('payload');
  if (payload === null) throw new InvalidDelivery('body: must be a form with a "payload" field (a Slack interactivity request)');
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    throw new InvalidDelivery('payload: must be JSON');
  }
}

/** `1700000000.123456` (Slack's ts) -> ms since epoch. */
function tsMs(ts: string | undefined): number | null {
  if (!ts || !/^\d+(\.\d+)?$/.test(ts)) return null;
  return Math.round(Number(ts) * 1000);
}

/** The press as a report of the message: the status the button asks for, by the Slack user. */
function itemOf(press: SlackBlockActions): ExternalItem | null {
  const action = press.actions.find((candidate) => candidate.action_id in slackActions);
  if (!action) return null;
  const channel = press.container?.channel_id ?? press.channel?.id;
  const ts = press.container?.message_ts ?? press.message?.ts;
  if (!channel || !ts) throw new InvalidDelivery('payload: the pressed button must sit in a message (container.channel_id and message_ts)');
  const at = tsMs(action.action_ts) ?? Date.now();
  return {
    externalId: messageId(channel, ts),
    orderingKey: at,
    observedAtMs: at,
    actor: press.user.username ?? press.user.name ?? press.user.id,
    fields: { status: slackActions[action.action_id as SlackActionId] },
  };
}

/** The Slack connector. */
export function createSlackConnector(): Connector {
  return {
    kind: 'slack',
    capabilities: {
      receivesWebhooks: true,
      canFetch: false,
      canCreate: true,
      canUpdate: true,
      syncModes: ['webhook'],
      directions: ['push', 'bidirectional'],
      signingCredential: 'signingSecret',
      displaysTicket: true,
      acceptedStatus: 200,
    },
    parseConfig: (config) => parseSection(slackConfigSchema, config, 'config') as Record<string, JsonValue>,
    parseCredentials: (credentials) => parseSection(slackCredentialsSchema, credentials, 'credentials') as Record<string, JsonValue>,
    settingsSchemas: describeSettings(slackConfigSchema, slackCredentialsSchema),
    verifyDelivery: (delivery, secrets) => verifySlackDelivery(delivery, secrets),
    parseDelivery(delivery) {
      const press = parseDeliveryBody(blockActionsSchema, payloadOf(delivery.rawBody));
      const item = itemOf(press);
      const action = press.actions[0];
      const id = press.trigger_id ?? `${press.user.id}:${action?.action_ts ?? ''}:${action?.action_id ?? ''}`;
      return { deliveryId: `slack:${id}`, items: item ? [item] : [] };
    },
    open: (settings) =>
      createSlackSession(
        parseSection(slackConfigSchema, settings.config, 'config'),
        parseSection(slackCredentialsSchema, settings.credentials, 'credentials'),
      ),
  };
}
