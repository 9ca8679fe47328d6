// Reading a reported item field by field: each value either maps to a hub value or becomes a
// FieldProblem (the field is left out and the problem is shown as a sync error), never both and
// never a failed report. Mappings throw ExternalCallError for a value they cannot take.
import { ExternalCallError, type FieldProblem } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';

export interface FieldCollector {
  readonly fields: Partial<Record<FieldKey, JsonValue>>;
  readonly problems: FieldProblem[];
  /** Sets `field` to `read()`, or records a problem with `raw` when the mapping refuses it. */
  attempt(field: FieldKey, raw: JsonValue, read: () => JsonValue): void;
}

export function collectFields(): FieldCollector {
  const fields: Partial<Record<FieldKey, JsonValue>> = {};
  const problems: FieldProblem[] = [];
  return {
    fields,
    problems,
    attempt(field, raw, read) {
      try {
        fields[field] = read();
      } catch (error) {
        if (!(error instanceof ExternalCallError)) throw error;
        problems.push({ field, value: raw, message: error.message });
      }
    },
  };
}
