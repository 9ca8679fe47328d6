// Proof that an SNS envelope was signed by Amazon SNS: the signature covers a canonical string of
// the envelope's fields (AWS SNS developer guide, "Verifying the signatures of Amazon SNS
// messages"): `Key\nValue\n` for each signed key in byte order, RSA with SHA1 (SignatureVersion 1)
// or SHA256 (2), checked against the certificate at SigningCertURL, fetched only from a trusted
// SNS host and kept for reuse. Certificates are fetched by a function the caller gives.

import { X509Certificate, createVerify } from 'node:crypto';
import type { SnsEnvelope } from './sns-payloads.ts';
import { isTrustedSnsUrl } from './sns-hosts.ts';

/** Fetches the PEM text at a (trusted, https) URL; throws ExternalCallError when it cannot. */
export type CertificateFetcher = (url: string, signal?: AbortSignal) => Promise<string>;

const notificationKeys = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const subscriptionKeys = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

/** The text SNS signs for `envelope` (Subject only when the notification has one). */
export function snsStringToSign(envelope: SnsEnvelope): string {
  const fields = envelope as unknown as Readonly<Record<string, unknown>>;
  const keys = envelope.Type === 'Notification' ? notificationKeys : subscriptionKeys;
  let out = '';
  for (const key of keys) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    out += `${key}\n${String(value)}\n`;
  }
  return out;
}

/** True when `envelope.Signature` is the signature of its canonical string under `certificatePem`. */
export function isSignedBy(envelope: SnsEnvelope, certificatePem: string): boolean {
  let publicKey;
  try {
    publicKey = new X509Certificate(certificatePem).publicKey;
  } catch {
    return false;
  }
  const verifier = createVerify(envelope.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  verifier.update(snsStringToSign(envelope), 'utf8');
  try {
    return verifier.verify(publicKey, envelope.Signature, 'base64');
  } catch {
    return false;
  }
}

/** Signing certificates by URL, fetched once each (at most `maxEntries` kept, oldest dropped). */
export interface CertificateCache {
  get(url: string, signal?: AbortSignal): Promise<string>;
}

/** A cache in front of `fetcher`; a failed fetch is not kept, so the next delivery tries again. */
export function createCertificateCache(fetcher: CertificateFetcher, maxEntries = 50): CertificateCache {
  const entries = new Map<string, Promise<string>>();
  return {
    get(url, signal) {
      const cached = entries.get(url);
      if (cached) return cached;
      const pending = fetcher(url, signal);
      entries.set(url, pending);
      pending.catch(() => entries.delete(url));
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      return pending;
    },
  };
}

/**
 * True when the envelope is signed by SNS with a certificate from a trusted host; false when the
 * certificate URL is untrusted or the signature does not match. A certificate that cannot be
 * fetched throws (the delivery fails and SNS retries it).
 */
export async function verifySnsSignature(
  envelope: SnsEnvelope,
  trustedHosts: readonly string[],
  certificates: CertificateCache,
  signal?: AbortSignal,
): Promise<boolean> {
  if (!isTrustedSnsUrl(envelope.SigningCertURL, trustedHosts)) return false;
  const pem = await certificates.get(envelope.SigningCertURL, signal);
  return isSignedBy(envelope, pem);
}
