// Inbound authentication of alert sources that cannot sign: the project's webhook secret as
// `?secret=`, `Authorization: Bearer <secret>`, or the HTTP Basic password (any user); constant-time.

import type { InboundDelivery } from '#domain/project/connector.ts';
import { headerValue, verifyQuerySecret } from '#adapters/shared/signatures.ts';

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** The password of `Authorization: Basic <base64 user:password>`, or undefined. */
export function basicPassword(authorization: string | undefined): string | undefined {
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** True when the delivery carries one of `secrets` by `?secret=`, Bearer or Basic password. */
export function verifySecretDelivery(delivery: InboundDelivery, secrets: readonly string[]): boolean {
  const authorization = headerValue(delivery.headers, 'authorization');
  // Every form is checked, not stopping at the first match, so timing does not tell which one it was.
  const byQuery = verifyQuerySecret(delivery.query['secret'], secrets);
  const byBearer = verifyQuerySecret(bearerToken(authorization), secrets);
  const byBasic = verifyQuerySecret(basicPassword(authorization), secrets);
  return byQuery || byBearer || byBasic;
}
