// The vault: round trips, never stores clear text, refuses tampering, and opens values sealed
// with a previous key after a rotation.
import { describe, expect, it } from 'vitest';
import { createCredentialVault, SealedCredentialsError } from '#infra/crypto/credential-vault.ts';

const key = 'k'.repeat(40);
const newKey = 'n'.repeat(40);

describe('credential vault', () => {
  it('round-trips a value without storing it in clear', () => {
    const vault = createCredentialVault(key);
    const sealed = vault.seal({ email: 'ops@example.com', apiToken: 'very-secret-token' });
    expect(sealed).not.toContain('very-secret-token');
    expect(sealed.startsWith(`v1.${vault.currentKeyId}.`)).toBe(true);
    expect(vault.open(sealed)).toEqual({ email: 'ops@example.com', apiToken: 'very-secret-token' });
    expect(vault.seal('x')).not.toBe(vault.seal('x'));
  });

  it('refuses a tampered value', () => {
    const vault = createCredentialVault(key);
    const parts = vault.seal({ a: 1 }).split('.');
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => vault.open(parts.join('.'))).toThrow(SealedCredentialsError);
    expect(() => vault.open('garbage')).toThrow(/malformed/);
  });

  it('opens values sealed with a previous key after rotation, and seals new ones with the current key', () => {
    const before = createCredentialVault(key);
    const sealed = before.seal({ token: 't' });
    const after = createCredentialVault(newKey, [key]);
    expect(after.open(sealed)).toEqual({ token: 't' });
    expect(after.seal({ token: 't' }).split('.')[1]).toBe(after.currentKeyId);
    expect(sealed.split('.')[1]).not.toBe(after.currentKeyId);
    expect(() => createCredentialVault(newKey).open(sealed)).toThrow(/not configured/);
  });
});
