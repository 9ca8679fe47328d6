// GitHub App authentication, as the simulator checks it: the App signs a short JWT (RS256, `iss` =
// the App id) with its private key and trades it at `POST /app/installations/{id}/access_tokens`
// for an installation token that expires (an hour on GitHub; seconds here when a test asks, so
// renewal can be watched). Expired tokens are refused with 401 like any bad credential.

import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';

/** A GitHub App the simulator knows. */
export interface SimApp {
  readonly appId: string;
  readonly installationId: number;
  /** PEM, handed to Lockstep as `credentials.privateKey`. */
  readonly privateKey: string;
  readonly publicKey: KeyObject;
}

/** A fresh App with an RSA key pair. */
export function createSimApp(appId = '4242', installationId = 31337): SimApp {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    appId,
    installationId,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey,
  };
}

/** Issued installation tokens and what happened to them. */
export class InstallationTokens {
  /** Token -> expiry (ms). */
  private readonly tokens = new Map<string, number>();
  /** How many tokens were minted. */
  minted = 0;
  /** Calls refused because their token had expired. */
  expiredUses = 0;
  lifetimeMs: number;

  constructor(lifetimeMs: number) {
    this.lifetimeMs = lifetimeMs;
  }

  /** A new token for `app` when `authorization` holds a valid App JWT; else undefined. */
  mint(
    app: SimApp,
    installationId: number,
    authorization: string | undefined,
  ): { token: string; expiresAt: string } | undefined {
    if (installationId !== app.installationId || !validJwt(app, authorization)) return undefined;
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    const expires = Date.now() + this.lifetimeMs;
    this.tokens.set(token, expires);
    this.minted += 1;
    return { token, expiresAt: new Date(expires).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  /** 'valid', 'expired' or 'unknown'. */
  check(token: string): 'valid' | 'expired' | 'unknown' {
    const expires = this.tokens.get(token);
    if (expires === undefined) return 'unknown';
    if (expires <= Date.now()) {
      this.expiredUses += 1;
      return 'expired';
    }
    return 'valid';
  }
}

function validJwt(app: SimApp, authorization: string | undefined): boolean {
  const match = /^bearer\s+([\w-]+)\.([\w-]+)\.([\w-]+)$/i.exec(authorization ?? '');
  if (!match) return false;
  const [, header, payload, signature] = match as unknown as [string, string, string, string];
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    app.publicKey,
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) return false;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    iss?: unknown;
    exp?: unknown;
    iat?: unknown;
  };
  const now = Date.now() / 1000;
  return (
    String(claims.iss) === app.appId &&
    typeof claims.exp === 'number' &&
    claims.exp > now &&
    typeof claims.iat === 'number' &&
    claims.iat <= now + 60
  );
}
