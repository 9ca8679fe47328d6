// A loopback stand-in for Amazon SNS delivering CloudWatch alarms to an HTTP subscription: it
// posts signed SubscriptionConfirmation, Notification and UnsubscribeConfirmation envelopes the
// way SNS does (`x-amz-sns-message-type` header, JSON body signed with SHA1withRSA or
// SHA256withRSA over the canonical string of the AWS docs), serves its signing certificate, and
// records the subscriptions confirmed through its SubscribeURL.

import { createServer, type Server } from 'node:http';
import { createSign, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simulatorCertificatePem, simulatorPrivateKeyPem } from './signing-identity.ts';

/** One envelope as SNS posts it. */
export type SnsEnvelopeJson = Record<string, string>;

/** What the simulator posted and what the endpoint answered. */
export interface SnsPost {
  readonly envelope: SnsEnvelopeJson;
  readonly status: number;
  readonly body: string;
}

/** A CloudWatch alarm state change, as much as tests need to say. */
export interface AlarmChange {
  readonly name: string;
  readonly state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly at?: Date;
  readonly description?: string | null;
  readonly region?: string;
  readonly account?: string;
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** A running simulator. */
export interface SnsSimulator {
  /** `http://127.0.0.1:<port>`: the host to list in the project's `trustedSnsHosts`. */
  readonly origin: string;
  readonly topicArn: string;
  /** Tokens whose SubscribeURL was fetched. */
  readonly confirmedTokens: string[];
  subscribe(endpointUrl: string): Promise<SnsPost>;
  publishAlarm(endpointUrl: string, change: AlarmChange, options?: PublishOptions): Promise<SnsPost>;
  /** Posts `envelope` as is (tests tamper with signed envelopes). */
  post(endpointUrl: string, envelope: SnsEnvelopeJson): Promise<SnsPost>;
  /** Signs `fields` as SNS would (adds SignatureVersion, Signature, SigningCertURL). */
  sign(fields: SnsEnvelopeJson, version?: '1' | '2'): SnsEnvelopeJson;
  stop(): Promise<void>;
}

/** How to publish a notification. */
export interface PublishOptions {
  readonly messageId?: string;
  readonly signatureVersion?: '1' | '2';
}

const notificationKeys = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const subscriptionKeys = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];

/** Starts the simulator on a free loopback port. */
export async function startSnsSimulator(options: { topicName?: string; region?: string } = {}): Promise<SnsSimulator> {
  const region = options.region ?? 'eu-west-1';
  const topicArn = `arn:aws:sns:${region}:123456789012:${options.topicName ?? 'lockstep-alarms'}`;
  const confirmedTokens: string[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/SimpleNotificationService-simulator.pem') {
      response.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(simulatorCertificatePem);
      return;
    }
    if (url.searchParams.get('Action') === 'ConfirmSubscription') {
      const token = url.searchParams.get('Token') ?? '';
      confirmedTokens.push(token);
      response.writeHead(200, { 'content-type': 'text/xml' });
      const arn = `<SubscriptionArn>${topicArn}:${randomUUID()}</SubscriptionArn>`;
      const result = `<ConfirmSubscriptionResult>${arn}</ConfirmSubscriptionResult>`;
      response.end(`<ConfirmSubscriptionResponse>${result}</ConfirmSubscriptionResponse>`);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = (fields: SnsEnvelopeJson, version: '1' | '2' = '1'): SnsEnvelopeJson => {
    const keys = fields['Type'] === 'Notification' ? notificationKeys : subscriptionKeys;
    const canonical = keys.filter((key) => fields[key] !== undefined).map((key) => `${key}\n${fields[key]}\n`).join('');
    const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    signer.update(canonical, 'utf8');
    return {
      ...fields,
      SignatureVersion: version,
      Signature: signer.sign(simulatorPrivateKeyPem, 'base64'),
      SigningCertURL: `${origin}/SimpleNotificationService-simulator.pem`,
    };
  };

  const post = async (endpointUrl: string, envelope: SnsEnvelopeJson): Promise<SnsPost> => {
    const response = await fetch(endpointUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': envelope['Type'] ?? '' },
      body: JSON.stringify(envelope),
    });
    return { envelope, status: response.status, body: await response.text() };
  };

  return {
    origin,
    topicArn,
    confirmedTokens,
    sign,
    post,
    subscribe(endpointUrl) {
      const token = randomUUID().replaceAll('-', '');
      return post(
        endpointUrl,
        sign({
          Type: 'SubscriptionConfirmation',
          MessageId: randomUUID(),
          Token: token,
          TopicArn: topicArn,
          Message:
            `You have chosen to subscribe to the topic ${topicArn}.\n` +
            'To confirm the subscription, visit the SubscribeURL included in this message.',
          SubscribeURL: `${origin}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`,
          Timestamp: new Date().toISOString(),
        }),
      );
    },
    publishAlarm(endpointUrl, change, publishOptions = {}) {
      const at = change.at ?? new Date();
      const message = alarmMessage(change, at, region);
      return post(
        endpointUrl,
        sign(
          {
            Type: 'Notification',
            MessageId: publishOptions.messageId ?? randomUUID(),
            TopicArn: topicArn,
            Subject: `${change.state}: "${change.name}" in EU (Ireland)`,
            Message: JSON.stringify(message),
            Timestamp: new Date(at.getTime() + 50).toISOString(),
            UnsubscribeURL: `${origin}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(topicArn)}:sim`,
          },
          publishOptions.signatureVersion ?? '1',
        ),
      );
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The alarm JSON CloudWatch publishes, in its own timestamp spelling (`+0000`). */
function alarmMessage(change: AlarmChange, at: Date, region: string): Record<string, unknown> {
  const account = change.account ?? '123456789012';
  const changeRegion = change.region ?? region;
  return {
    AlarmName: change.name,
    AlarmDescription: change.description ?? null,
    AWSAccountId: account,
    NewStateValue: change.state,
    NewStateReason: `Threshold Crossed: simulated ${change.state} transition.`,
    StateChangeTime: at.toISOString().replace('Z', '+0000'),
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:${changeRegion}:${account}:alarm:${change.name}`,
    OldStateValue: change.state === 'ALARM' ? 'OK' : 'ALARM',
    Trigger: {
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Dimensions: Object.entries(change.dimensions ?? {}).map(([name, value]) => ({ name, value })),
    },
  };
}
