// An SNS delivery read into what the alert engine needs: the subscription to confirm (only on a
// trusted SNS host), or the CloudWatch alarm a Notification carries. Notifications whose Message
// is not an alarm (other publishers on the topic) are acknowledged and change nothing; an alarm
// message that does not parse is refused, naming the field. Pure: no I/O, no clock.

import { InvalidDelivery } from '#domain/project/connector.ts';
import type { AlertReport } from '#domain/alert/alert-report.ts';
import { describeIssues, parseDeliveryBody, parseJsonBody } from '#adapters/shared/parsing.ts';
import { alarmMessageSchema } from './alarm-payloads.ts';
import { alertFromAlarm, type InsufficientDataMode } from './alarms.ts';
import { snsEnvelopeSchema, type SnsEnvelope, type SnsNotification } from './sns-payloads.ts';
import { isTrustedSnsUrl } from './sns-hosts.ts';

/** What reading an SNS delivery needs from the project's config. */
export interface SnsReadOptions {
  readonly insufficientData: InsufficientDataMode;
  readonly trustedSnsHosts: readonly string[];
}

/** A read SNS delivery. */
export interface SnsDelivery {
  readonly envelope: SnsEnvelope;
  /** `sns:<MessageId>`: SNS keeps the MessageId on its retries. */
  readonly deliveryId: string;
  readonly alerts: AlertReport[];
  readonly confirmSubscriptionUrl?: string;
}

/** The SNS envelope in `rawBody`; throws InvalidDelivery naming the problem. */
export function parseSnsEnvelope(rawBody: Uint8Array): SnsEnvelope {
  const body = parseJsonBody(rawBody);
  if (typeof body === 'object' && body !== null && !('Type' in body) && 'AlarmName' in body) {
    throw new InvalidDelivery('body: a bare CloudWatch alarm, not an SNS envelope (turn off raw message delivery)');
  }
  return parseDeliveryBody(snsEnvelopeSchema, body);
}

/** Reads an SNS delivery; throws InvalidDelivery naming the problem. */
export function readSnsDelivery(rawBody: Uint8Array, options: SnsReadOptions): SnsDelivery {
  const envelope = parseSnsEnvelope(rawBody);
  const deliveryId = `sns:${envelope.MessageId}`;
  switch (envelope.Type) {
    case 'SubscriptionConfirmation':
      if (!isTrustedSnsUrl(envelope.SubscribeURL, options.trustedSnsHosts)) {
        throw new InvalidDelivery('SubscribeURL: not an https URL on a trusted SNS host (see config.trustedSnsHosts)');
      }
      return { envelope, deliveryId, alerts: [], confirmSubscriptionUrl: envelope.SubscribeURL };
    case 'UnsubscribeConfirmation':
      return { envelope, deliveryId, alerts: [] };
    case 'Notification':
      return { envelope, deliveryId, alerts: alertsOf(envelope, options.insufficientData) };
    default:
      return envelope satisfies never;
  }
}

function alertsOf(notification: SnsNotification, insufficientData: InsufficientDataMode): AlertReport[] {
  const message = jsonObject(notification.Message);
  if (message === null || !('AlarmName' in message)) return [];
  const parsed = alarmMessageSchema.safeParse(message);
  if (!parsed.success) throw new InvalidDelivery(describeIssues(parsed.error, 'Message'));
  const alert = alertFromAlarm(parsed.data, insufficientData);
  return alert === null ? [] : [alert];
}

function jsonObject(text: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  return isObject ? (value as Record<string, unknown>) : null;
}
