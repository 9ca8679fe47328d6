// PagerDuty v3 signs each delivery with every active secret of the subscription:
// `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw body>[,v1=<hex>...]` (several during a
// secret rotation). One matching signature under one of the project's secrets is enough.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundDelivery } from '#domain/project/connector.ts';
import { headerValue } from '#adapters/shared/signatures.ts';

/** The header PagerDuty signs deliveries in. */
export const pagerDutySignatureHeader = 'x-pagerduty-signature';

const signaturePattern = /^v1=([0-9a-f]{64})$/i;

/** The `X-PagerDuty-Signature` value signing `body` with `secret`. */
export function pagerDutySignature(secret: string, body: Uint8Array | string): string {
  return `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** True when one of the header's v1 signatures is the HMAC of the raw body under one of `secrets`. */
export function verifyPagerDutyDelivery(delivery: InboundDelivery, secrets: readonly string[]): boolean {
  const header = headerValue(delivery.headers, pagerDutySignatureHeader);
  if (header === undefined) return false;
  const given = header
    .split(',')
    .map((part) => signaturePattern.exec(part.trim())?.[1])
    .filter((hex): hex is string => hex !== undefined)
    .map((hex) => Buffer.from(hex, 'hex'));
  let matched = false;
  // Every pair is compared, not stopping at the first match, so timing says nothing about which matched.
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const expected = createHmac('sha256', secret).update(delivery.rawBody).digest();
    for (const signature of given) if (timingSafeEqual(expected, signature)) matched = true;
  }
  return matched;
}
