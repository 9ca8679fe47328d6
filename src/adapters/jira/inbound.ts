// Deliveries Jira Cloud posts to a project's webhook URL: verified by `X-Hub-Signature` (HMAC-SHA256
// of the raw body with the webhook secret) or `?secret=`, then parsed into ExternalItems. The
// delivery id is Jira's `X-Atlassian-Webhook-Identifier` (the same on Jira's retries), or a hash of
// the body when a proxy dropped it. Issue events give the whole issue; comment events give the
// comment only (comments.ts), never the issue, so a comment never moves the issue's ordering key;
// other events are acknowledged and ignored.

import { createHash } from 'node:crypto';
import { InvalidDelivery, type ConnectionSettings, type InboundDelivery, type ParsedDelivery } from '#domain/project/connector.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { headerValue, verifySignedDelivery } from '#adapters/shared/signatures.ts';
import { commentsOfWebhook } from './comments.ts';
import { deletionKeyOf, issueUrl, itemFromIssue, type JiraExternalItem } from './items.ts';
import { createJiraMapping } from './mapping.ts';
import { webhookBodySchema, type JiraWebhookBody } from './payloads.ts';
import { parseJiraConfig } from './settings.ts';

/** The header Jira signs deliveries in (`sha256=<hex>`). */
export const signatureHeaderName = 'x-hub-signature';

/** The header carrying Jira's delivery id. */
export const deliveryIdHeaderName = 'x-atlassian-webhook-identifier';

const issueEvents = new Set(['jira:issue_created', 'jira:issue_updated']);

/** True when the delivery is signed with one of `secrets` (header or `?secret=`). */
export function verifyJiraDelivery(delivery: InboundDelivery, secrets: readonly string[]): boolean {
  return verifySignedDelivery(delivery, signatureHeaderName, secrets);
}

/** The items of a verified delivery; throws InvalidDelivery naming the problem. */
export function parseJiraDelivery(delivery: InboundDelivery, config: ConnectionSettings['config']): ParsedDelivery {
  const body = parseDeliveryBody(webhookBodySchema, parseJsonBody(delivery.rawBody));
  const given = headerValue(delivery.headers, deliveryIdHeaderName)?.trim();
  const deliveryId = given ? `jira:${given}` : `jira-body:${createHash('sha256').update(delivery.rawBody).digest('hex')}`;
  return { deliveryId, items: itemsOf(body, config), comments: commentsOfWebhook(body) };
}

function itemsOf(body: JiraWebhookBody, rawConfig: ConnectionSettings['config']): JiraExternalItem[] {
  const actor = body.user?.displayName ?? body.user?.accountId;
  if (issueEvents.has(body.webhookEvent)) {
    const issue = body.issue;
    if (!issue) throw new InvalidDelivery(`issue: is required for ${body.webhookEvent}`);
    const config = parseJiraConfig(rawConfig);
    const changelogId = body.changelog?.id;
    return [
      itemFromIssue(issue, createJiraMapping(config), config.baseUrl, {
        fallbackMs: body.timestamp,
        ...(changelogId === undefined ? {} : { changelogId }),
        ...(actor === undefined ? {} : { actor }),
      }),
    ];
  }
  if (body.webhookEvent === 'jira:issue_deleted') {
    const issue = body.issue;
    if (!issue) throw new InvalidDelivery('issue: is required for jira:issue_deleted');
    const config = parseJiraConfig(rawConfig);
    return [
      {
        externalId: issue.key,
        url: issueUrl(config.baseUrl, issue.key),
        orderingKey: deletionKeyOf(body.timestamp),
        observedAtMs: body.timestamp,
        ...(actor === undefined ? {} : { actor }),
        fields: {},
        deleted: true,
      },
    ];
  }
  return [];
}
