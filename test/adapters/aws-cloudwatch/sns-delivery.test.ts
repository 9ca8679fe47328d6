import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidDelivery } from '#domain/project/connector.ts';
import { readSnsDelivery, type SnsReadOptions } from '#adapters/aws-cloudwatch/sns-delivery.ts';
import { defaultTrustedSnsHosts } from '#adapters/aws-cloudwatch/sns-hosts.ts';
import { expectParsedOrRefused, jsonBytes, mutatedJson, thrownBy } from '#test/support/json-mutations.ts';
import {
  alarmNotification,
  anomalyOkNotification,
  healthEventMessage,
  legacyOkMessage,
  subscriptionConfirmation,
  unsubscribeConfirmation,
} from './fixtures/sns.ts';

const options: SnsReadOptions = { insufficientData: 'ignore', trustedSnsHosts: defaultTrustedSnsHosts };

function read(body: unknown, given: Partial<SnsReadOptions> = {}) {
  return readSnsDelivery(jsonBytes(body), { ...options, ...given });
}

function refusal(body: unknown, given: Partial<SnsReadOptions> = {}): string {
  const error = thrownBy(() => read(body, given));
  expect(error).toBeInstanceOf(InvalidDelivery);
  return (error as Error).message;
}

function withMessage(message: Record<string, unknown>) {
  const alarm = JSON.parse(alarmNotification.Message) as Record<string, unknown>;
  return { ...alarmNotification, Message: JSON.stringify({ ...alarm, ...message }) };
}

describe('SNS deliveries', () => {
  it('turn a CloudWatch ALARM into a firing alert keyed by the alarm ARN', () => {
    const parsed = read(alarmNotification);
    const arn =
      'arn:aws:cloudwatch:eu-south-1:975050211138:alarm:SharedInfra-Alpha-Database-DatabaseInstanceObservabilityHighDatabaseConnectionsAlarm5CD1334F-FetIEoRn5hgP';
    expect(parsed.deliveryId).toBe('sns:e1a5d850-56a8-5cb9-873c-87524725ca49');
    expect(parsed.confirmSubscriptionUrl).toBeUndefined();
    expect(parsed.alerts).toEqual([
      {
        fingerprint: arn,
        groupKey: arn,
        name: 'SharedInfra-Alpha-Database-DatabaseInstanceObservabilityHighDatabaseConnectionsAlarm5CD1334F-FetIEoRn5hgP',
        status: 'firing',
        severity: null,
        summary: 'Threshold Crossed: 1 datapoint [8.0 (05/07/24 15:19:00)] was greater than or equal to the threshold (5.0).',
        labels: {
          alarmname: 'SharedInfra-Alpha-Database-DatabaseInstanceObservabilityHighDatabaseConnectionsAlarm5CD1334F-FetIEoRn5hgP',
          account: '975050211138',
          region: 'eu-south-1',
          namespace: 'AWS/RDS',
          metric: 'DatabaseConnections',
          DBInstanceIdentifier: 'sharedinfra-alpha-databas-databaseinstance24d16791-o3f70cahozc6',
        },
        startsAtMs: Date.parse('2024-07-05T15:20:44.959Z'),
        endsAtMs: null,
        generatorUrl:
          'https://eu-south-1.console.aws.amazon.com/cloudwatch/home?region=eu-south-1#alarmsV2:alarm/SharedInfra-Alpha-Database-DatabaseInstanceObservabilityHighDatabaseConnectionsAlarm5CD1334F-FetIEoRn5hgP',
        observedAtMs: Date.parse('2024-07-05T15:20:44.959Z'),
      },
    ]);
  });

  it('resolve on OK, reading metric-math alarms from their first metric', () => {
    const [alert] = read(anomalyOkNotification).alerts;
    expect(alert).toMatchObject({
      status: 'resolved',
      endsAtMs: Date.parse('2021-06-27T13:53:39.351Z'),
      labels: {
        metric: 'pod_cpu_utilization',
        namespace: 'ContainerInsights',
        ClusterName: 'cloudone-dev-v1-eks-cluster',
      },
    });
  });

  it('key alarms without an ARN by account, region and name', () => {
    const [alert] = read({ ...anomalyOkNotification, Message: legacyOkMessage }).alerts;
    expect(alert?.fingerprint).toBe('cloudwatch:123456789012:US - N. Virginia:sns-cloudwatch');
    expect(alert?.generatorUrl).toBeNull();
  });

  it('treat INSUFFICIENT_DATA as the project says (ignored by default)', () => {
    const body = withMessage({ NewStateValue: 'INSUFFICIENT_DATA' });
    expect(read(body).alerts).toEqual([]);
    expect(read(body, { insufficientData: 'firing' }).alerts[0]?.status).toBe('firing');
    expect(read(body, { insufficientData: 'resolved' }).alerts[0]?.status).toBe('resolved');
  });

  it('acknowledge notifications that are not alarms without reporting anything', () => {
    expect(read({ ...alarmNotification, Message: healthEventMessage }).alerts).toEqual([]);
    expect(read({ ...alarmNotification, Message: 'plain text' }).alerts).toEqual([]);
  });

  it('hand back the SubscribeURL of a confirmation on an AWS SNS host, and refuse other hosts', () => {
    expect(read(subscriptionConfirmation).confirmSubscriptionUrl).toBe(subscriptionConfirmation.SubscribeURL);
    expect(read(subscriptionConfirmation).alerts).toEqual([]);
    const evil = { ...subscriptionConfirmation, SubscribeURL: 'https://sns.us-east-1.amazonaws.com.evil.example/?x' };
    expect(refusal(evil)).toMatch(/^SubscribeURL: .*trusted SNS host/);
    const plain = { ...subscriptionConfirmation, SubscribeURL: 'http://sns.us-east-1.amazonaws.com/' };
    expect(refusal(plain)).toMatch(/^SubscribeURL/);
    const local = { ...subscriptionConfirmation, SubscribeURL: 'http://127.0.0.1:9/?Action=ConfirmSubscription' };
    expect(read(local, { trustedSnsHosts: ['http://127.0.0.1:9'] }).confirmSubscriptionUrl).toBe(local.SubscribeURL);
  });

  it('acknowledge an UnsubscribeConfirmation', () => {
    expect(read(unsubscribeConfirmation)).toMatchObject({
      deliveryId: `sns:${unsubscribeConfirmation.MessageId}`, alerts: [],
    });
  });

  it('refuse malformed envelopes and alarm messages, naming the field', () => {
    expect(refusal({ ...alarmNotification, Type: 'Gossip' })).toMatch(/^Type: /);
    expect(refusal({ ...alarmNotification, MessageId: undefined })).toBe('MessageId: is required');
    expect(refusal({ ...alarmNotification, Timestamp: 'yesterday' })).toMatch(/^Timestamp: must be an ISO 8601/);
    expect(refusal(withMessage({ NewStateValue: 'PANIC' }))).toMatch(/^Message\.NewStateValue: must be ALARM, OK/);
    expect(refusal(withMessage({ StateChangeTime: 7 }))).toMatch(/^Message\.StateChangeTime: /);
    expect(refusal([1, 2])).toBe('body: must be a JSON object');
    expect(refusal(JSON.parse(alarmNotification.Message))).toMatch(/^body: a bare CloudWatch alarm.*raw message delivery/);
  });

  it('parse or refuse with InvalidDelivery whatever is changed in real envelopes', () => {
    const samples = [alarmNotification, anomalyOkNotification, subscriptionConfirmation, unsubscribeConfirmation];
    fc.assert(
      fc.property(fc.constantFrom(...samples).chain(mutatedJson), (body) => {
        expectParsedOrRefused(() => read(body));
      }),
      { numRuns: 300 },
    );
  });

  it('parse or refuse whatever is changed in a real alarm message', () => {
    const alarm = JSON.parse(alarmNotification.Message) as unknown;
    fc.assert(
      fc.property(mutatedJson(alarm), (message) => {
        const body = { ...alarmNotification, Message: JSON.stringify(message) };
        expectParsedOrRefused(() => read(body, { insufficientData: 'firing' }));
      }),
      { numRuns: 300 },
    );
  });
});
