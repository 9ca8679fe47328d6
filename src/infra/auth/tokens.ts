// Issuing and checking bearer tokens. Tokens are random, shown once, and stored only as a
// SHA-256 hash; lookups go by hash. The configured LOCKSTEP_ADMIN_TOKEN, or one generated and
// printed on the first start, holds the admin role.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ApiToken } from '#infra/persistence/api-token.ts';
import type { Role } from './roles.ts';

/** Who is calling, once their token checked out. */
export interface Caller {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
}

const BOOTSTRAP_NAME = 'bootstrap admin';
/** How long a verified token is trusted without asking PostgreSQL again (a revocation takes effect within this). */
export const tokenCacheMs = 5_000;
const tokenCacheSize = 1_000;

/** SHA-256 of a token, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A fresh token: `lst_` and 32 random bytes, base64url. */
export function generateToken(): string {
  return `lst_${randomBytes(32).toString('base64url')}`;
}

/** Extracts the token from an `Authorization: Bearer <token>` header value. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Token storage and lookup. */
export interface TokenStore {
  /** The caller holding `token`, or undefined when it is unknown or revoked. */
  authenticate(token: string | undefined): Promise<Caller | undefined>;
  /** Issues a new token; the returned plain token is never stored. */
  issue(name: string, role: Role): Promise<{ token: string; caller: Caller }>;
  /**
   * Makes sure an admin token exists: registers `configured` when given, otherwise generates one
   * when no admin token exists yet and returns it so the caller can print it once.
   */
  bootstrapAdmin(configured: string | undefined): Promise<string | undefined>;
}

/** Token store over PostgreSQL. */
export function createTokenStore(orm: MikroORM): TokenStore {
  async function insert(em: MikroORM['em'], name: string, role: Role, token: string): Promise<ApiToken> {
    const row = new ApiToken();
    row.id = randomUUID();
    row.name = name;
    row.role = role;
    row.tokenHash = hashToken(token);
    row.createdAt = new Date();
    row.revokedAt = null;
    await em.persist(row).flush();
    return row;
  }

  // Verified tokens, by hash, with the time they were read; unknown tokens are never cached.
  const cache = new Map<string, { caller: Caller; at: number }>();

  return {
    async authenticate(token) {
      if (!token) return undefined;
      const hash = hashToken(token);
      const cached = cache.get(hash);
      if (cached && Date.now() - cached.at < tokenCacheMs) return cached.caller;
      const row = await orm.em.fork().findOne(ApiToken, { tokenHash: hash, revokedAt: null });
      if (!row) {
        cache.delete(hash);
        return undefined;
      }
      const caller = { tokenId: row.id, name: row.name, role: row.role };
      if (cache.size >= tokenCacheSize) cache.delete(cache.keys().next().value ?? '');
      cache.set(hash, { caller, at: Date.now() });
      return caller;
    },
    async issue(name, role) {
      const token = generateToken();
      const row = await insert(orm.em.fork(), name, role, token);
      return { token, caller: { tokenId: row.id, name: row.name, role: row.role } };
    },
    async bootstrapAdmin(configured) {
      const em = orm.em.fork();
      return em.transactional(async (tx) => {
        // One admin row per database, even when several processes start together.
        await tx.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [BOOTSTRAP_NAME], 'run', tx.getTransactionContext());
        if (configured) {
          const existing = await tx.findOne(ApiToken, { tokenHash: hashToken(configured) });
          if (!existing) await insert(tx, 'LOCKSTEP_ADMIN_TOKEN', 'admin', configured);
          return undefined;
        }
        const admins = await tx.count(ApiToken, { role: 'admin', revokedAt: null });
        if (admins > 0) return undefined;
        const token = generateToken();
        await insert(tx, BOOTSTRAP_NAME, 'admin', token);
        return token;
      });
    },
  };
}
