import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidConnectorSettings, type InboundDelivery } from '#domain/project/connector.ts';
import { createCloudWatchConnector } from '#adapters/aws-cloudwatch/connector.ts';
import { startSnsSimulator, type SnsSimulator } from '#simulators/aws-cloudwatch/sns.ts';
import { thrownBy } from '#test/support/json-mutations.ts';

let sns: SnsSimulator;
beforeAll(async () => {
  sns = await startSnsSimulator();
});
afterAll(() => sns.stop());

function delivery(
  body: unknown,
  query: Record<string, string> = { secret: 's3cret' },
  headers: Record<string, string> = {},
): InboundDelivery {
  return { headers, query, rawBody: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)) };
}

const notification = {
  Type: 'Notification',
  MessageId: '448b4055-f4e5-5887-a547-190771c6686b',
  TopicArn: 'arn:aws:sns:eu-west-1:123456789012:lockstep-alarms',
  Message: JSON.stringify({ AlarmName: 'cpu', NewStateValue: 'ALARM', StateChangeTime: '2026-11-29T10:00:00+0000' }),
  Timestamp: '2026-11-29T10:00:00.050Z',
};

describe('the AWS_CLOUDWATCH connector', () => {
  it('fills its config defaults and refuses bad ones by name', () => {
    const connector = createCloudWatchConnector();
    expect(connector.parseConfig({})).toEqual({
      severityMap: {},
      reopenWindowSeconds: 3600,
      routes: [],
      trustedSnsHosts: ['sns.*.amazonaws.com', 'sns.*.amazonaws.com.cn'],
      verifySignature: true,
      insufficientData: 'ignore',
    });
    expect(thrownBy(() => connector.parseConfig({ insufficientData: 'maybe' }))).toMatchObject({
      message: 'config.insufficientData: must be ignore, firing or resolved',
    });
    const withPath = () => connector.parseConfig({ trustedSnsHosts: ['https://sns.*.amazonaws.com/path'] });
    expect(thrownBy(withPath)).toBeInstanceOf(InvalidConnectorSettings);
    expect(thrownBy(() => connector.parseConfig({ verifySignature: 'yes' }))).toMatchObject({
      message: 'config.verifySignature: must be true or false',
    });
  });

  it('needs both the webhook secret and a valid SNS signature', async () => {
    const connector = createCloudWatchConnector();
    const config = connector.parseConfig({ trustedSnsHosts: [sns.origin] });
    const signed = sns.sign(notification);
    expect(await connector.verifyDelivery(delivery(signed), ['s3cret'], config)).toBe(true);
    expect(await connector.verifyDelivery(delivery(signed, { secret: 'guess' }), ['s3cret'], config)).toBe(false);
    const basic = { authorization: `Basic ${Buffer.from('sns:s3cret').toString('base64')}` };
    expect(await connector.verifyDelivery(delivery(signed, {}, basic), ['s3cret'], config)).toBe(true);
    expect(await connector.verifyDelivery(delivery({ ...signed, Message: '{}' }), ['s3cret'], config)).toBe(false);
    // The default hosts do not include the simulator: its certificate is never fetched.
    expect(await connector.verifyDelivery(delivery(signed), ['s3cret'], connector.parseConfig({}))).toBe(false);
  });

  it('skips the signature when verifySignature is false, and leaves non-envelopes to parsing', async () => {
    const fetchCertificate = () => Promise.reject(new Error('no fetch expected'));
    const connector = createCloudWatchConnector({ fetchCertificate });
    const certificate = 'https://sns.eu-west-1.amazonaws.com/x.pem';
    const unsigned = { ...notification, SignatureVersion: '1', Signature: 'AAAA', SigningCertURL: certificate };
    const lax = connector.parseConfig({ verifySignature: false });
    expect(await connector.verifyDelivery(delivery(unsigned), ['s3cret'], lax)).toBe(true);
    const strict = connector.parseConfig({});
    expect(await connector.verifyDelivery(delivery('{"hello":"world"}'), ['s3cret'], strict)).toBe(true);
    expect(thrownBy(() => connector.parseDelivery(delivery('{"hello":"world"}'), lax))).toMatchObject({
      message: 'Type: must be SubscriptionConfirmation, UnsubscribeConfirmation or Notification',
    });
  });

  it('hands back the SubscribeURL of a confirmation from a trusted host', () => {
    const connector = createCloudWatchConnector();
    const config = connector.parseConfig({ trustedSnsHosts: [sns.origin] });
    const confirmation = sns.sign({
      Type: 'SubscriptionConfirmation',
      MessageId: 'm-1',
      Token: 'tok',
      TopicArn: sns.topicArn,
      Message: 'You have chosen to subscribe.',
      SubscribeURL: `${sns.origin}/?Action=ConfirmSubscription&Token=tok`,
      Timestamp: '2026-11-29T10:00:00.000Z',
    });
    expect(connector.parseDelivery(delivery(confirmation), config)).toEqual({
      deliveryId: 'sns:m-1',
      items: [],
      alerts: [],
      confirmSubscriptionUrl: `${sns.origin}/?Action=ConfirmSubscription&Token=tok`,
    });
  });
});
