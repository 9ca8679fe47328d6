import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnsEnvelope } from '#adapters/aws-cloudwatch/sns-delivery.ts';
import { defaultTrustedSnsHosts, isTrustedSnsUrl } from '#adapters/aws-cloudwatch/sns-hosts.ts';
import { createCertificateCache, snsStringToSign, verifySnsSignature } from '#adapters/aws-cloudwatch/sns-signature.ts';
import { startSnsSimulator, type SnsSimulator } from '#simulators/aws-cloudwatch/sns.ts';
import { simulatorCertificatePem } from '#simulators/aws-cloudwatch/signing-identity.ts';
import { jsonBytes } from '#test/support/json-mutations.ts';
import { alarmNotification, subscriptionConfirmation } from './fixtures/sns.ts';

let sns: SnsSimulator;
beforeAll(async () => {
  sns = await startSnsSimulator();
});
afterAll(() => sns.stop());

function envelope(fields: unknown) {
  return parseSnsEnvelope(jsonBytes(fields));
}

const notification = {
  Type: 'Notification',
  MessageId: 'da41e39f-ea4d-435a-b922-c6aae3915ebe',
  TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
  Subject: 'test',
  Message: 'test message',
  Timestamp: '2012-04-25T21:49:25.719Z',
};

describe('SNS signatures', () => {
  it('cover the documented keys in order, Subject only when present', () => {
    expect(snsStringToSign(envelope(alarmNotification))).toBe(
      `Message\n${alarmNotification.Message}\nMessageId\n${alarmNotification.MessageId}\n` +
        `Subject\n${alarmNotification.Subject}\n` +
        `Timestamp\n${alarmNotification.Timestamp}\nTopicArn\n${alarmNotification.TopicArn}\nType\nNotification\n`,
    );
    expect(snsStringToSign(envelope(subscriptionConfirmation))).toBe(
      `Message\n${subscriptionConfirmation.Message}\nMessageId\n${subscriptionConfirmation.MessageId}\n` +
        `SubscribeURL\n${subscriptionConfirmation.SubscribeURL}\nTimestamp\n${subscriptionConfirmation.Timestamp}\n` +
        `Token\n${subscriptionConfirmation.Token}\nTopicArn\n${subscriptionConfirmation.TopicArn}\n` +
        'Type\nSubscriptionConfirmation\n',
    );
    const { Subject: _subject, ...withoutSubject } = notification;
    const unsigned = envelope({ ...withoutSubject, SignatureVersion: '1', Signature: 'x', SigningCertURL: 'x' });
    expect(snsStringToSign(unsigned)).not.toContain('Subject');
  });

  it('verify version 1 and 2 signatures with a certificate fetched once from a trusted host', async () => {
    let fetches = 0;
    const certificates = createCertificateCache(async (url) => {
      fetches += 1;
      return (await fetch(url)).text();
    });
    const trusted = [sns.origin];
    for (const version of ['1', '2'] as const) {
      expect(await verifySnsSignature(envelope(sns.sign(notification, version)), trusted, certificates)).toBe(true);
    }
    const tampered = { ...sns.sign(notification), Message: 'test message!' };
    expect(await verifySnsSignature(envelope(tampered), trusted, certificates)).toBe(false);
    const wrongVersion = { ...sns.sign(notification, '1'), SignatureVersion: '2' };
    expect(await verifySnsSignature(envelope(wrongVersion), trusted, certificates)).toBe(false);
    const garbage = envelope({ ...sns.sign(notification), Signature: 'bm90IGEgc2lnbmF0dXJl' });
    expect(await verifySnsSignature(garbage, trusted, certificates)).toBe(false);
    expect(fetches).toBe(1);
  });

  it('never fetch a certificate from an untrusted host', async () => {
    let fetches = 0;
    const certificates = createCertificateCache(async () => {
      fetches += 1;
      return simulatorCertificatePem;
    });
    const signed = envelope(sns.sign(notification));
    expect(await verifySnsSignature(signed, defaultTrustedSnsHosts, certificates)).toBe(false);
    expect(fetches).toBe(0);
  });

  it('forget a certificate that could not be fetched', async () => {
    let calls = 0;
    const certificates = createCertificateCache(async () => {
      calls += 1;
      if (calls === 1) throw new Error('unavailable');
      return simulatorCertificatePem;
    });
    const signed = envelope(sns.sign(notification));
    await expect(verifySnsSignature(signed, [sns.origin], certificates)).rejects.toThrow('unavailable');
    expect(await verifySnsSignature(signed, [sns.origin], certificates)).toBe(true);
  });
});

describe('trusted SNS hosts', () => {
  it('are the https SNS endpoints of AWS by default', () => {
    const trusted = (url: string) => isTrustedSnsUrl(url, defaultTrustedSnsHosts);
    expect(trusted('https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem')).toBe(true);
    expect(trusted('https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-3250158c6506d40f628c21ed8dad1787.pem')).toBe(true);
    expect(trusted('https://SNS.EU-WEST-1.AMAZONAWS.COM/x.pem')).toBe(true);
    expect(trusted('http://sns.us-east-1.amazonaws.com/x.pem')).toBe(false);
    expect(trusted('https://sns.us-east-1.amazonaws.com.evil.example/x.pem')).toBe(false);
    expect(trusted('https://evil.example/sns.us-east-1.amazonaws.com/x.pem')).toBe(false);
    expect(trusted('https://sns.a.b.amazonaws.com/x.pem')).toBe(false);
    expect(trusted('https://sns.us-east-1.amazonaws.com:8443/x.pem')).toBe(false);
    expect(trusted('https://user:pw@sns.us-east-1.amazonaws.com/x.pem')).toBe(false);
    expect(trusted('not a url')).toBe(false);
  });

  it('can name a loopback host with its port and scheme', () => {
    expect(isTrustedSnsUrl('http://127.0.0.1:4567/cert.pem', ['http://127.0.0.1:4567'])).toBe(true);
    expect(isTrustedSnsUrl('http://127.0.0.1:4568/cert.pem', ['http://127.0.0.1:4567'])).toBe(false);
    expect(isTrustedSnsUrl('http://127.0.0.1:4567/cert.pem', ['127.0.0.1:4567'])).toBe(false);
    expect(isTrustedSnsUrl('https://127.0.0.1:4567/cert.pem', ['127.0.0.1:4567'])).toBe(true);
  });
});
