// What an alert source's parser hands back, and the delivery id of sources that send none: most
// monitoring webhooks carry no delivery header, so a delivery is named by the SHA-256 of its raw
// body. A source re-sending the very same notification then names it the same, and the inbox
// acknowledges the repeat and drops it; any change in the body is a new delivery.

import { createHash } from 'node:crypto';
import type { AlertReport } from '#domain/alert/alert-report.ts';

/** One parsed alert delivery. */
export interface AlertDelivery {
  readonly deliveryId: string;
  readonly alerts: readonly AlertReport[];
  /** A subscription handshake to confirm by fetching this URL (AWS SNS). */
  readonly confirmSubscriptionUrl?: string;
}

/** `sha256:<hex>` of the raw body: the delivery id of sources that send none. */
export function bodyDeliveryId(rawBody: Uint8Array): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** A stable fingerprint of a label set: SHA-256 of the labels sorted by name (for sources that send none). */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((name) => [name, labels[name] ?? '']);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}
