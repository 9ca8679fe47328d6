// The one Pothos schema builder. Plugins: scope-auth (roles), relay (connections), complexity
// (depth, breadth and cost limits so one query cannot take the server down; cost counts records
// reached, not scalars read).
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError, getNamedType, isLeafType, isListType, isNonNullType, type GraphQLOutputType } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { isRoleAtLeast } from '#infra/auth/roles.ts';
import type { GraphQLContext } from './context.ts';

/** Query limits; a request above any of them is refused before it runs. */
export const queryLimits = { depth: 10, breadth: 60, complexity: 2_000 } as const;

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: { viewer: boolean; editor: boolean; reviewer: boolean; admin: boolean };
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    DateTime: { Input: Date; Output: Date };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      viewer: isRoleAtLeast(context.caller.role, 'viewer'),
      editor: isRoleAtLeast(context.caller.role, 'editor'),
      reviewer: isRoleAtLeast(context.caller.role, 'reviewer'),
      admin: isRoleAtLeast(context.caller.role, 'admin'),
    }),
    unauthorizedError: (_parent, context, info) =>
      new GraphQLError(`Not allowed: ${info.parentType.name}.${info.fieldName} needs a higher role than ${context.caller.role}`, {
        extensions: { code: 'FORBIDDEN' },
      }),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    // A connection field already multiplies by its page size; the edges list must not count it again.
    edgesFieldOptions: { complexity: { field: 1, multiplier: 1 } },
  },
  complexity: {
    limit: queryLimits,
    // Cost follows work: a scalar or enum is read from a row already loaded (0); a field that
    // reaches other records costs 1, times 10 for an unbounded list. Fields that load or page
    // records say what they cost themselves (connections: their page size; batched fields: small).
    fieldComplexity: (_args, _context, field) => {
      if (isLeafType(getNamedType(field.type))) return 0;
      return isList(field.type) ? { field: 1, multiplier: 10 } : 1;
    },
  },
});

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

builder.addScalarType('JSON', JSONResolver);
builder.addScalarType('DateTime', DateTimeResolver);

builder.queryType({ authScopes: { viewer: true } });
builder.mutationType({ authScopes: { editor: true } });
builder.subscriptionType({ authScopes: { viewer: true } });
