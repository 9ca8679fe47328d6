// Deliveries a GitHub repository (or App) webhook posts to a project's webhook URL: verified by
// `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the webhook secret) or `?secret=`, told
// apart by `X-GitHub-Event`, deduplicated by `X-GitHub-Delivery` (the same on GitHub's redeliveries).
// `issues` events carry the whole issue, but GitHub stamps it to the second and delivers out of
// order, so a delayed delivery can look as new as the edit after it: the item is marked
// `needsFetch` and the engine applies the issue as GitHub holds it now (one GET per delivery).
// `issue_comment` events carry the comment (never the issue's fields, so a comment does not move
// the issue's ordering key); `ping` and every other event are acknowledged with no items. Anything
// about a pull request, or about another repository (an App's webhook covers every repository it
// is installed on), is ignored.

import { createHash } from 'node:crypto';
import {
  InvalidDelivery,
  type ConnectionSettings,
  type ExternalComment,
  type ExternalItem,
  type InboundDelivery,
  type ParsedDelivery,
} from '#domain/project/connector.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import { parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { headerValue, verifySignedDelivery } from '#adapters/shared/signatures.ts';
import { externalComment } from './comment-values.ts';
import { deletionKeyOf, externalIdOf, isPullRequest, itemFromIssue } from './items.ts';
import { createGithubMapping } from './mapping.ts';
import { issueCommentEventSchema, issuesEventSchema, pingEventSchema } from './payloads.ts';
import { parseGithubConfig, type GithubConfig } from './settings.ts';

/** The header GitHub signs deliveries in (`sha256=<hex>`). */
export const signatureHeaderName = 'x-hub-signature-256';

/** The header naming the event. */
export const eventHeaderName = 'x-github-event';

/** The header carrying GitHub's delivery id (a GUID). */
export const deliveryIdHeaderName = 'x-github-delivery';

/** Issue actions after which the issue is no longer in the repository. */
const goneActions = new Set(['deleted', 'transferred']);

/**
 * The JSON of a delivery: the body itself, or the `payload` field of a webhook set to the content
 * type `application/x-www-form-urlencoded` (the signature covers the form as sent).
 */
function jsonBytes(delivery: InboundDelivery): Uint8Array {
  const type = headerValue(delivery.headers, 'content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return delivery.rawBody;
  const payload = new URLSearchParams(Buffer.from(delivery.rawBody).toString('utf8')).get('payload');
  if (payload === null) throw new InvalidDelivery('payload: is required in a form-encoded delivery');
  return new TextEncoder().encode(payload);
}

/** True when the delivery is signed with one of `secrets` (header or `?secret=`). */
export function verifyGithubDelivery(delivery: InboundDelivery, secrets: readonly string[]): boolean {
  return verifySignedDelivery(delivery, signatureHeaderName, secrets);
}

/** The items and comments of a verified delivery; throws InvalidDelivery naming the problem. */
export function parseGithubDelivery(delivery: InboundDelivery, config: ConnectionSettings['config']): ParsedDelivery {
  const event = headerValue(delivery.headers, eventHeaderName)?.trim();
  if (!event) throw new InvalidDelivery(`${eventHeaderName}: header is required`);
  const body = parseJsonBody(jsonBytes(delivery));
  const given = headerValue(delivery.headers, deliveryIdHeaderName)?.trim();
  const deliveryId = given
    ? `github:${given}`
    : `github-body:${createHash('sha256').update(delivery.rawBody).digest('hex')}`;
  switch (event) {
    case 'ping':
      parseDeliveryBody(pingEventSchema, body);
      return { deliveryId, items: [] };
    case 'issues':
      return { deliveryId, items: issueItems(body, parseGithubConfig(config)) };
    case 'issue_comment':
      return { deliveryId, items: [], comments: commentsOf(body, parseGithubConfig(config)) };
    default:
      return { deliveryId, items: [] };
  }
}

/** True when the delivery is about the project's repository (deliveries without one are taken as such). */
function ofRepository(repository: { full_name: string } | undefined, config: GithubConfig): boolean {
  return (
    repository === undefined || repository.full_name.toLowerCase() === `${config.owner}/${config.repo}`.toLowerCase()
  );
}

function issueItems(body: unknown, config: GithubConfig): ExternalItem[] {
  const parsed = parseDeliveryBody(issuesEventSchema, body);
  const { issue } = parsed;
  if (isPullRequest(issue) || !ofRepository(parsed.repository, config)) return [];
  const actor = parsed.sender?.login;
  if (goneActions.has(parsed.action)) {
    return [
      {
        externalId: externalIdOf(issue.number),
        ...(issue.html_url ? { url: issue.html_url } : {}),
        orderingKey: deletionKeyOf(issue.updated_at),
        observedAtMs: issue.updated_at,
        ...(actor === undefined ? {} : { actor }),
        fields: {},
        deleted: true,
      },
    ];
  }
  const item = itemFromIssue(issue, createGithubMapping(config), 0, actor === undefined ? {} : { actor });
  return [{ ...item, needsFetch: Object.keys(item.fields) as FieldKey[] }];
}

function commentsOf(body: unknown, config: GithubConfig): ExternalComment[] {
  const parsed = parseDeliveryBody(issueCommentEventSchema, body);
  if (isPullRequest(parsed.issue) || !ofRepository(parsed.repository, config)) return [];
  const comment = externalComment(parsed.issue.number, parsed.comment);
  if (parsed.action === 'deleted') return [{ ...comment, body: '', deleted: true }];
  return [comment];
}
