// API tokens in GraphQL: admins issue tokens for people and scripts (the token is shown once), list
// them and revoke them.
import { z } from 'zod';
import { Roles, type Role } from '#infra/auth/roles.ts';
import type { TokenRecord } from '#infra/auth/tokens.ts';
import { NotFoundError } from '#infra/services/errors.ts';
import { builder } from './builder.ts';
import { valuesOf } from './enums.ts';

export const RoleEnum = builder.enumType('Role', {
  description: 'What a token holder may do; each role includes the ones before it.',
  values: valuesOf(Roles),
});

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Who or what will use the token.' }),
    role: t.field({ type: RoleEnum, required: true }),
  }),
});

interface IssuedToken {
  readonly token: string;
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

const CreateApiTokenPayload = builder.objectRef<IssuedToken>('CreateApiTokenPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The bearer token. Shown only here, never again.' }),
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    role: t.field({ type: RoleEnum, resolve: (issued) => issued.role }),
  }),
});

const ViewerRef = builder.objectRef<{ name: string; role: Role }>('Viewer').implement({
  description: 'The caller, as identified by its token.',
  fields: (t) => ({
    name: t.exposeString('name'),
    role: t.field({ type: RoleEnum, resolve: (viewer) => viewer.role }),
  }),
});

const nameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

builder.mutationField('createApiToken', (t) =>
  t.field({
    type: CreateApiTokenPayload,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateApiTokenInput, required: true }) },
    resolve: async (_root, { input }, { services }) => {
      const name = nameSchema.parse(input.name);
      const { token, caller } = await services.tokens.issue(name, input.role);
      return { token, id: caller.tokenId, name: caller.name, role: caller.role };
    },
  }),
);

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    description: 'The caller, as identified by its token.',
    resolve: (_root, _args, { caller }) => ({ name: caller.name, role: caller.role }),
  }),
);

const ApiTokenRef = builder.objectRef<TokenRecord>('ApiToken').implement({
  description: 'An issued token as admins see it (never the token itself).',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    role: t.field({ type: RoleEnum, resolve: (token) => token.role }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (token) => token.revokedAt }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.field({
    type: [ApiTokenRef],
    description: 'Every issued token, newest first (admins only).',
    authScopes: { admin: true },
    resolve: (_root, _args, { services }) => services.tokens.list(),
  }),
);

builder.mutationField('revokeApiToken', (t) =>
  t.field({
    type: ApiTokenRef,
    description: 'Revokes a token: its requests are refused and its open WebSockets close (admins only).',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { services }) => {
      const revoked = await services.tokens.revoke(String(id));
      if (!revoked) throw new NotFoundError(`No API token with id "${id}"`);
      return revoked;
    },
  }),
);
