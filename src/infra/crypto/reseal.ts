// Finishes a key rotation: at start, credentials still sealed with a previous LOCKSTEP_SECRET_KEY
// are opened and sealed again with the current one, so the old key can then be dropped from
// LOCKSTEP_PREVIOUS_SECRET_KEYS. A row changed meanwhile by another writer is left to that writer.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '#infra/logger.ts';
import { SealedCredentialsError, type CredentialVault } from './credential-vault.ts';

/** What a reseal pass did. */
export interface ResealReport {
  readonly resealed: number;
  /** Projects whose credentials no configured key opens (they stay as they are). */
  readonly unopenable: readonly string[];
}

/** Re-seals every project's credentials that the current key did not seal. */
export async function resealCredentials(orm: MikroORM, vault: CredentialVault, logger: Logger): Promise<ResealReport> {
  const connection = orm.em.getConnection();
  const rows = await connection.execute<Array<{ id: string; sealed_credentials: string }>>(
    'select id, sealed_credentials from external_projects where sealed_credentials not like ?',
    [`v1.${vault.currentKeyId}.%`],
  );
  let resealed = 0;
  const unopenable: string[] = [];
  for (const row of rows) {
    let value: unknown;
    try {
      value = vault.open(row.sealed_credentials);
    } catch (error) {
      if (!(error instanceof SealedCredentialsError)) throw error;
      unopenable.push(row.id);
      continue;
    }
    const updated = await connection.execute(
      'update external_projects set sealed_credentials = ? where id = ? and sealed_credentials = ?',
      [vault.seal(value), row.id, row.sealed_credentials],
      'run',
    );
    if ((updated as { affectedRows?: number }).affectedRows !== 0) resealed += 1;
  }
  if (resealed > 0) logger.info({ resealed, keyId: vault.currentKeyId }, 'credentials re-sealed with the current secret key');
  if (unopenable.length > 0) {
    logger.warn({ projects: unopenable }, 'credentials sealed with a key that is not configured; these projects cannot connect');
  }
  return { resealed, unopenable };
}
