// The JSON Schema of a connector's config and credentials, printed from the same zod schemas that
// validate them, so the console's connect form can never ask for something the connector refuses
// or miss something it needs.
import { z } from 'zod';
import type { SettingsSchemas } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';

function jsonSchemaOf(schema: z.ZodType): JsonValue {
  // Input shape (what a person types), with refinements and transforms described as far as they can be.
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonValue;
}

export function describeSettings(config: z.ZodType, credentials: z.ZodType): SettingsSchemas {
  return { config: jsonSchemaOf(config), credentials: jsonSchemaOf(credentials) };
}
