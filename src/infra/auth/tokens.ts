// Issuing and checking bearer tokens. Tokens are random, shown once, and stored only as a
// SHA-256 hash; lookups go by hash. The configured LOCKSTEP_ADMIN_TOKEN, or one generated and
// printed on the first start, holds the admin role.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
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

/** Compares a presented token with a configured one in constant time. */
export function sameToken(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(Buffer.from(hashToken(presented), 'hex'), Buffer.from(hashToken(expected), 'hex'));
}

/** A token as listed to admins. */
export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

const recordOf = (row: ApiToken): TokenRecord => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: row.createdAt,
  revokedAt: row.revokedAt,
});

/** Token storage and lookup. */
export interface TokenStore {
  /** The caller holding `token`, or undefined when it is unknown or revoked. */
  authenticate(token: string | undefined): Promise<Caller | undefined>;
  /** Issues a new token; the returned plain token is never stored. */
  issue(name: string, role: Role): Promise<{ token: string; caller: Caller }>;
  /** Every token, newest first (hashes never leave the store). */
  list(): Promise<TokenRecord[]>;
  /** Revokes a token (a second revoke keeps the first time); undefined when there is no such token. */
  revoke(id: string): Promise<TokenRecord | undefined>;
  /** Those of `ids` that are revoked or gone. */
  revokedAmong(ids: ReadonlySet<string>): Promise<Set<string>>;
  /** Calls `listener` with the id of each token revoked through this process. */
  onRevoked(listener: (tokenId: string) => void): void;
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
  const revokedListeners: Array<(tokenId: string) => void> = [];
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    async list() {
      const rows = await orm.em.fork().find(ApiToken, {}, { orderBy: { createdAt: 'desc', id: 'asc' } });
      return rows.map(recordOf);
    },
    async revoke(id) {
      if (!uuid.test(id)) return undefined;
      const em = orm.em.fork();
      const row = await em.findOne(ApiToken, { id });
      if (!row) return undefined;
      if (row.revokedAt === null) {
        row.revokedAt = new Date();
        await em.flush();
      }
      for (const [hash, entry] of cache) if (entry.caller.tokenId === id) cache.delete(hash);
      for (const listener of revokedListeners) listener(id);
      return recordOf(row);
    },
    async revokedAmong(ids) {
      if (ids.size === 0) return new Set();
      const active = await orm.em.fork().find(ApiToken, { id: { $in: [...ids] }, revokedAt: null }, { fields: ['id'] });
      const alive = new Set(active.map((row) => row.id));
      return new Set([...ids].filter((id) => !alive.has(id)));
    },
    onRevoked(listener) {
      revokedListeners.push(listener);
    },
    async bootstrapAdmin(configured) {
      const em = orm.em.fork();
      if (configured) {
        const existing = await em.findOne(ApiToken, { tokenHash: hashToken(configured) });
        if (!existing) await insert(em, 'LOCKSTEP_ADMIN_TOKEN', 'admin', configured);
        return undefined;
      }
      return em.transactional(async (tx) => {
        // One generated admin per database, even when several processes start together.
        await tx.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [BOOTSTRAP_NAME], 'run', tx.getTransactionContext());
        const admins = await tx.count(ApiToken, { role: 'admin', revokedAt: null });
        if (admins > 0) return undefined;
        const token = generateToken();
        await insert(tx, BOOTSTRAP_NAME, 'admin', token);
        return token;
      });
    },
  };
}
