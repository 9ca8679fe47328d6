// Seals connection credentials before they are stored: AES-256-GCM with a random IV, tagged with
// the id of the key that sealed them, so LOCKSTEP_SECRET_KEY can be rotated (old keys listed in
// LOCKSTEP_PREVIOUS_SECRET_KEYS still open what they sealed; new writes use the current key).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT = 'v1';
const DEVELOPMENT_KEY = 'lockstep-development-key-do-not-use-in-production';

/** Credentials that cannot be opened (unknown key id, tampered, malformed). */
export class SealedCredentialsError extends Error {
  override readonly name = 'SealedCredentialsError';
}

interface Key {
  readonly id: string;
  readonly bytes: Buffer;
}

/** Seals and opens JSON values. */
export interface CredentialVault {
  /** The id of the key new values are sealed with. */
  readonly currentKeyId: string;
  seal(value: unknown): string;
  open(sealed: string): unknown;
}

function deriveKey(secret: string): Key {
  const bytes = createHash('sha256').update(`lockstep:credentials:${secret}`).digest();
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  return { id, bytes };
}

/**
 * A vault over the current secret and any previous ones. Without a secret (development and
 * tests only; production refuses to start) a fixed development key is used.
 */
export function createCredentialVault(secret: string | undefined, previous: readonly string[] = []): CredentialVault {
  const current = deriveKey(secret ?? DEVELOPMENT_KEY);
  const keys = new Map<string, Key>([[current.id, current]]);
  for (const old of previous) {
    const key = deriveKey(old);
    if (!keys.has(key.id)) keys.set(key.id, key);
  }

  return {
    currentKeyId: current.id,
    seal(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.bytes, iv);
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [FORMAT, current.id, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    open(sealed) {
      const [format, keyId, iv, tag, ciphertext] = sealed.split('.');
      if (format !== FORMAT || !keyId || !iv || !tag || ciphertext === undefined) {
        throw new SealedCredentialsError('stored credentials are malformed');
      }
      const key = keys.get(keyId);
      if (!key) throw new SealedCredentialsError(`stored credentials were sealed with key ${keyId}, which is not configured`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
        return JSON.parse(plain.toString('utf8')) as unknown;
      } catch {
        throw new SealedCredentialsError('stored credentials could not be opened (tampered, or sealed with another key)');
      }
    },
  };
}
