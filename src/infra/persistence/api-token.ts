// Bearer tokens as stored: only a SHA-256 hash of each token is kept, so a database dump grants
// nothing. The role decides what the holder may do.
import { defineEntity, p } from '@mikro-orm/core';
import type { Role } from '#infra/auth/roles.ts';

/** A stored API token (hash only; the token itself is shown once, when created). */
export class ApiToken {
  id!: string;
  name!: string;
  role!: Role;
  tokenHash!: string;
  createdAt!: Date;
  revokedAt!: Date | null;
}

export const ApiTokenSchema = defineEntity({
  class: ApiToken,
  tableName: 'api_tokens',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    role: p.text().$type<Role>(),
    tokenHash: p.text().unique(),
    createdAt: p.datetime().columnType('timestamptz'),
    revokedAt: p.datetime().columnType('timestamptz').nullable(),
  },
});
