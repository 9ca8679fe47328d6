// API tokens in GraphQL: admins issue tokens for people and scripts; the token is shown once.
import { z } from 'zod';
import { Roles, type Role } from '#infra/auth/roles.ts';
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
