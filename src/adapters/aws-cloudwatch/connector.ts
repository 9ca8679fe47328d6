// The AWS_CLOUDWATCH connector: CloudWatch alarms reach Lockstep through an SNS topic with an
// HTTPS subscription to the project's webhook URL (with `?secret=` or `user:<webhookSecret>@` in
// it). Every envelope must carry the secret and, unless `verifySignature` is false, SNS's own
// signature under a certificate from a trusted SNS host; the subscription is confirmed by the
// engine fetching the SubscribeURL this connector hands back. See settings.ts for the config.

import { InvalidDelivery, type Connector } from '#domain/project/connector.ts';
import { sendRequest } from '#adapters/shared/http.ts';
import { createAlertSourceConnector } from '#adapters/alert-source/connector.ts';
import { verifySecretDelivery } from '#adapters/alert-source/auth.ts';
import { readSnsDelivery, parseSnsEnvelope } from './sns-delivery.ts';
import { createCertificateCache, verifySnsSignature, type CertificateFetcher } from './sns-signature.ts';
import { cloudWatchConfigSchema } from './settings.ts';

/** Connector tuning (tests and the demo may fetch certificates their own way). */
export interface CloudWatchConnectorOptions {
  readonly fetchCertificate?: CertificateFetcher;
}

const fetchCertificateOverHttp: CertificateFetcher = async (url, signal) => {
  const headers = { accept: 'application/x-pem-file, text/plain, */*' };
  const response = await sendRequest({ url, headers, ...(signal ? { signal } : {}) });
  return response.text;
};

/** The CloudWatch-through-SNS connector. */
export function createCloudWatchConnector(options: CloudWatchConnectorOptions = {}): Connector {
  const certificates = createCertificateCache(options.fetchCertificate ?? fetchCertificateOverHttp);
  return createAlertSourceConnector({
    kind: 'aws_cloudwatch',
    configSchema: cloudWatchConfigSchema,
    // CloudWatch alarms carry no severity: every alarm takes the fallback unless severityMap names it.
    severityDefaults: { severityMap: {}, fallbackPriority: 'p3' },
    async verify(delivery, secrets, config) {
      if (!verifySecretDelivery(delivery, secrets)) return false;
      if (!config.verifySignature) return true;
      let envelope;
      try {
        envelope = parseSnsEnvelope(delivery.rawBody);
      } catch (error) {
        // Not an SNS envelope at all: parsing refuses it with 400 and the problem named.
        if (error instanceof InvalidDelivery) return true;
        throw error;
      }
      return verifySnsSignature(envelope, config.trustedSnsHosts, certificates);
    },
    parse(delivery, config) {
      const read = readSnsDelivery(delivery.rawBody, config);
      return {
        deliveryId: read.deliveryId,
        alerts: read.alerts,
        ...(read.confirmSubscriptionUrl === undefined ? {} : { confirmSubscriptionUrl: read.confirmSubscriptionUrl }),
      };
    },
  });
}
