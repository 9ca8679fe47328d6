// What an alert source's parser returns, and ids for sources that send none: a delivery is named by
// the SHA-256 of its raw body (a re-sent notification is the same delivery), an alert by its sorted labels.

import { createHash } from 'node:crypto';
import type { AlertReport } from '#domain/alert/alert-report.ts';
import type { ExternalItem } from '#domain/project/connector.ts';

/** One parsed alert delivery. */
export interface AlertDelivery {
  readonly deliveryId: string;
  readonly alerts: readonly AlertReport[];
  /** Sources that write back: reports of items Lockstep may hold links to (each with `alertWhenUnlinked`). */
  readonly items?: readonly ExternalItem[];
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
