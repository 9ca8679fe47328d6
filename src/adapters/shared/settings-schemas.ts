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

/** Printed when first asked for (the catalog), not when the connector module loads at start-up. */
export function describeSettings(config: z.ZodType, credentials: z.ZodType): SettingsSchemas {
  let printed: { config: JsonValue; credentials: JsonValue } | undefined;
  const schemas = () => (printed ??= { config: jsonSchemaOf(config), credentials: jsonSchemaOf(credentials) });
  return {
    get config() {
      return schemas().config;
    },
    get credentials() {
      return schemas().credentials;
    },
  };
}
