// A form generated from a connector's JSON Schema (printed from its zod schema): one control per
// property (text, secret, URL, number, checkbox, choice; nested objects and lists as JSON), and for
// a union of shapes (e.g. a token or a GitHub App) a choice of which one to fill in.
import { useState } from 'preact/hooks';

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly description?: string;
  readonly default?: unknown;
}

const SECRET = /token|secret|password|key$|privatekey/i;

function variantsOf(schema: JsonSchema): readonly JsonSchema[] {
  return schema.anyOf ?? schema.oneOf ?? [schema];
}

function variantLabel(variant: JsonSchema): string {
  const keys = variant.required?.length ? variant.required : Object.keys(variant.properties ?? {});
  return keys.join(' + ') || 'nothing';
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  return typeof type === 'string' ? type : 'json';
}

/** Turns the form's text entries into the value the mutation sends (empty optional entries are left out). */
function valueOf(variant: JsonSchema, entries: Record<string, string | boolean>): { value: Record<string, unknown>; problem: string | null } {
  const value: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(variant.properties ?? {})) {
    const entry = entries[name];
    if (entry === undefined || entry === '') continue;
    const type = typeOf(property);
    if (type === 'boolean') value[name] = entry === true;
    else if (type === 'number' || type === 'integer') value[name] = Number(entry);
    else if (type === 'string' || type === 'enum') value[name] = entry;
    else {
      try {
        value[name] = JSON.parse(String(entry)) as unknown;
      } catch {
        return { value, problem: `${name} must be JSON` };
      }
    }
  }
  return { value, problem: null };
}

export interface SchemaFormValue {
  readonly value: Record<string, unknown>;
  readonly problem: string | null;
}

export function SchemaFields({ schema, legend, idPrefix, onChange }: { schema: JsonSchema; legend: string; idPrefix: string; onChange: (value: SchemaFormValue) => void }) {
  const variants = variantsOf(schema);
  const [chosen, setChosen] = useState(0);
  const [entries, setEntries] = useState<Record<string, string | boolean>>({});
  const variant = variants[chosen] ?? variants[0] ?? {};

  const update = (nextEntries: Record<string, string | boolean>, nextVariant: JsonSchema) => {
    setEntries(nextEntries);
    onChange(valueOf(nextVariant, nextEntries));
  };

  return (
    <fieldset>
      <legend>{legend}</legend>
      {variants.length > 1 && (
        <div role="radiogroup" aria-label={`${legend}: which kind`}>
          {variants.map((candidate, index) => (
            <label key={index} class="inline">
              <input
                type="radio"
                name={`${idPrefix}-variant`}
                checked={chosen === index}
                onChange={() => {
                  setChosen(index);
                  update({}, candidate);
                }}
              />{' '}
              {variantLabel(candidate)}
            </label>
          ))}
        </div>
      )}
      {Object.entries(variant.properties ?? {}).map(([name, property]) => {
        const id = `${idPrefix}-${name}`;
        const required = variant.required?.includes(name) ?? false;
        const type = typeOf(property);
        const entry = entries[name];
        const set = (value: string | boolean) => update({ ...entries, [name]: value }, variant);
        const label = (
          <label for={id}>
            {name}
            {required ? ' (required)' : ''}
          </label>
        );
        const hint = property.description ? <small class="hint">{property.description}</small> : null;
        if (type === 'boolean') {
          return (
            <div class="field" key={name}>
              <input id={id} type="checkbox" checked={entry === true} onChange={(event) => set(event.currentTarget.checked)} /> {label}
              {hint}
            </div>
          );
        }
        if (type === 'enum') {
          return (
            <div class="field" key={name}>
              {label}
              <select id={id} required={required} value={String(entry ?? '')} onChange={(event) => set(event.currentTarget.value)}>
                <option value="">—</option>
                {(property.enum ?? []).map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </select>
              {hint}
            </div>
          );
        }
        if (type === 'string' || type === 'number' || type === 'integer') {
          const inputType = type !== 'string' ? 'number' : SECRET.test(name) ? 'password' : property.format === 'uri' ? 'url' : 'text';
          return (
            <div class="field" key={name}>
              {label}
              <input
                {...{ type: inputType as 'text' }}
                id={id}
                autocomplete="off"
                required={required}
                value={String(entry ?? '')}
                onInput={(event) => set(event.currentTarget.value)}
              />
              {hint}
            </div>
          );
        }
        return (
          <div class="field" key={name}>
            {label}
            <textarea id={id} rows={3} required={required} placeholder="JSON" value={String(entry ?? '')} onInput={(event) => set(event.currentTarget.value)} />
            {hint}
          </div>
        );
      })}
    </fieldset>
  );
}
