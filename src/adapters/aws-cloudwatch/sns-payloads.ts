// The envelopes Amazon SNS posts to an HTTP(S) subscription, parsed with zod: the subscription
// handshake (`SubscriptionConfirmation`), its undoing (`UnsubscribeConfirmation`) and a published
// message (`Notification`). Field names and the signed keys follow the AWS SNS developer guide,
// "Parsing message formats" (HTTP/HTTPS JSON formats); unknown keys are ignored.

import { z } from 'zod';
import { expected } from '#adapters/shared/parsing.ts';

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

const text = z.string({ error: expected('a string') });
const nonEmpty = text.min(1, { error: 'must not be empty' });

/** An ISO 8601 instant as SNS writes it (`2012-04-26T20:45:04.751Z`). */
export const snsTimestamp = text.refine((value) => isoInstant.test(value) && !Number.isNaN(Date.parse(value)), {
  error: 'must be an ISO 8601 timestamp',
});

const signed = {
  MessageId: nonEmpty,
  TopicArn: nonEmpty,
  Message: text,
  Timestamp: snsTimestamp,
  SignatureVersion: z.enum(['1', '2'], { error: 'must be "1" or "2"' }),
  Signature: nonEmpty,
  SigningCertURL: nonEmpty,
};

const subscriptionFields = { ...signed, Token: nonEmpty, SubscribeURL: nonEmpty };

/** SNS asks the endpoint to confirm a subscription by fetching `SubscribeURL`. */
export const subscriptionConfirmationSchema = z.object({
  Type: z.literal('SubscriptionConfirmation'),
  ...subscriptionFields,
});

/** SNS tells the endpoint it was unsubscribed (`SubscribeURL` would subscribe it again). */
export const unsubscribeConfirmationSchema = z.object({
  Type: z.literal('UnsubscribeConfirmation'),
  ...subscriptionFields,
});

/** A message published to the topic; `Message` holds the publisher's text (CloudWatch: alarm JSON). */
export const notificationSchema = z.object({
  Type: z.literal('Notification'),
  ...signed,
  Subject: text.nullable().optional(),
  UnsubscribeURL: text.optional(),
});

/** Any SNS HTTP envelope, told apart by `Type`. */
export const snsEnvelopeSchema = z.discriminatedUnion(
  'Type',
  [subscriptionConfirmationSchema, unsubscribeConfirmationSchema, notificationSchema],
  { error: expected('SubscriptionConfirmation, UnsubscribeConfirmation or Notification') },
);

export type SnsEnvelope = z.output<typeof snsEnvelopeSchema>;
export type SnsNotification = z.output<typeof notificationSchema>;
