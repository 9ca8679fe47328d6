// Slack signs interactivity requests: `X-Slack-Signature: v0=<hex HMAC-SHA256 of
// "v0:<X-Slack-Request-Timestamp>:<raw body>" with the signing secret>`. A request older (or
// newer) than five minutes is refused, so a captured one cannot be replayed later.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundDelivery } from '#domain/project/connector.ts';
import { headerValue } from '#adapters/shared/signatures.ts';

/** How far a request's timestamp may be from now. */
export const slackMaxSkewSeconds = 5 * 60;

/** The `X-Slack-Signature` value for `body` sent at `timestamp` (seconds) under `secret`. */
export function slackSignature(secret: string, timestamp: string, body: Uint8Array | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

/** True when the request is fresh and signed with one of `secrets`. */
export function verifySlackDelivery(delivery: InboundDelivery, secrets: readonly string[], nowMs = Date.now()): boolean {
  const timestamp = headerValue(delivery.headers, 'x-slack-request-timestamp');
  const signature = headerValue(delivery.headers, 'x-slack-signature');
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/i.test(signature)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > slackMaxSkewSeconds) return false;
  const given = Buffer.from(signature.slice(3), 'hex');
  let matched = false;
  for (const secret of secrets) {
    if (secret === '') continue;
    const expected = Buffer.from(slackSignature(secret, timestamp, delivery.rawBody).slice(3), 'hex');
    if (timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}
