// Assembles the schema from one Pothos file per feature. Importing a feature registers it.
import type { GraphQLSchema } from 'graphql';
import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import './roles.ts';
import './tickets.ts';
import './conflicts.ts';
import './comments.ts';
import './projects.ts';
import './push-jobs.ts';
import './sync-errors.ts';
import './links.ts';
import './unlinking.ts';
import './sessions.ts';
import './peering.ts';
import './alerts.ts';
import './integrations.ts';
import './project-activity.ts';

let schema: GraphQLSchema | undefined;

/** The executable schema (built once per process). */
export function buildSchema(): GraphQLSchema {
  schema ??= lexicographicSortSchema(builder.toSchema());
  return schema;
}
