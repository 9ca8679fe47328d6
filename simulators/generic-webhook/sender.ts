// The sending half of the generic webhook simulator: what an external system does when one of its
// items changes, namely POST a signed delivery to the project's Lockstep webhook URL. Kept apart
// from the receiving server so a test or the demo can see exactly which bytes went out and how
// they were signed, and send the very same bytes again to play a duplicate.

import type { JsonValue } from '#domain/json.ts';
import { signatureHeader } from '#adapters/shared/signatures.ts';
import { signatureHeaderName } from '#adapters/generic-webhook/wire.ts';

/** How a sent change proves it knows the secret: the signature header, `?secret=`, or not at all. */
export type SignatureMode = 'header' | 'query' | 'none';

/** A change to send to a Lockstep webhook URL. */
export interface SendChangeInput {
  readonly webhookUrl: string;
  /** The project's `webhookSecret`. */
  readonly secret: string;
  readonly externalId: string;
  /** Field values in either spelling (`IN_PROGRESS` or `in_progress`); sent as given. */
  readonly fields: Readonly<Record<string, JsonValue>>;
  /** ISO 8601; a fresh, strictly increasing stamp when absent. Pass an older one to play reordering. */
  readonly updatedAt?: string;
  /** A fresh UUID when absent. Pass an earlier one to play a duplicate. */
  readonly deliveryId?: string;
  /** Signed with the header by default. */
  readonly via?: SignatureMode;
}

/** A change as sent: the exact body and how it was signed. */
export interface SentChange {
  readonly webhookUrl: string;
  readonly secret: string;
  readonly via: SignatureMode;
  readonly deliveryId: string;
  /** The raw JSON body, the bytes the signature covers. */
  readonly body: string;
  /** The status Lockstep answered (after sending). */
  readonly status?: number;
}

/** POSTs `change` and resolves with the status Lockstep answered. */
export async function sendSimulatedChange(change: SentChange, timeoutMs = 10_000): Promise<number> {
  const target = new URL(change.webhookUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (change.via === 'header') headers[signatureHeaderName] = signatureHeader(change.secret, change.body);
  if (change.via === 'query') target.searchParams.set('secret', change.secret);
  const response = await fetch(target, {
    method: 'POST',
    headers,
    body: change.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.arrayBuffer();
  return response.status;
}
