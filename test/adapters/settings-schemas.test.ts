// Every connector describes its config and credentials as JSON Schema printed from the zod schemas
// that validate them: the console builds its connect form from these, so a kind without them, or
// a schema that loses the required keys, would give people a form the connector refuses.
import { describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '#adapters/registry.ts';

const registry = createConnectorRegistry();

interface ObjectSchema {
  readonly type?: string;
  readonly properties?: Record<string, unknown>;
  readonly required?: string[];
  readonly anyOf?: ObjectSchema[];
}

const requiredOf = (schema: ObjectSchema): string[] => schema.required ?? [];

describe('connector settings schemas', () => {
  it('are given by every connector, as object schemas or unions of them', () => {
    for (const kind of registry.kinds()) {
      const schemas = registry.get(kind)?.settingsSchemas;
      if (!schemas) throw new Error(`${kind} gives no settings schemas`);
      for (const schema of [schemas.config, schemas.credentials] as ObjectSchema[]) {
        const variants = schema.anyOf ?? [schema];
        expect(variants.map((variant) => `${kind}: ${variant.type}`)).toEqual(variants.map(() => `${kind}: object`));
      }
    }
  });

  it('name the keys the connectors require', () => {
    const github = registry.get('github')?.settingsSchemas;
    if (!github) throw new Error('GitHub gives no settings schemas');
    expect(requiredOf(github.config as ObjectSchema).sort()).toEqual(['owner', 'repo']);
    const tokenVariants = (github.credentials as ObjectSchema).anyOf?.map(requiredOf) ?? [];
    expect(tokenVariants).toContainEqual(['token']);
    const generic = registry.get('generic_webhook')?.settingsSchemas;
    expect(requiredOf(generic?.config as ObjectSchema)).toEqual(['targetUrl']);
    const jira = registry.get('jira')?.settingsSchemas?.config as ObjectSchema;
    expect(requiredOf(jira)).toEqual(expect.arrayContaining(['baseUrl', 'projectKey']));
  });
});
