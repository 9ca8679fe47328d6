// JSON values: the currency of field values, events and persisted register state. Field values are
// compared structurally (equal values never conflict and never emit events), so equality lives
// here, once.

/** Any value that survives JSON.stringify/JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** True when `value` is a JSON value (finite numbers, plain objects and arrays only). */
export function isJsonValue(value: unknown): value is JsonValue {
  if (value === null) return true;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (Array.isArray(value)) return value.every(isJsonValue);
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      return Object.values(value).every(isJsonValue);
    }
    default:
      return false;
  }
}

/** Structural equality of two JSON values; object key order does not matter. */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEquals(a[i] as JsonValue, b[i] as JsonValue)) return false;
    return true;
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!(key in b) || !jsonEquals(a[key] as JsonValue, b[key] as JsonValue)) return false;
  return true;
}

/** A deep copy, so stored state never aliases a caller's object. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  // Lists of scalars (labels) are the common case: a shallow copy is a deep one.
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) return [...value] as T;
  return structuredClone(value);
}

/**
 * Where `value` holds a string (or object key) with a NUL character or a lone surrogate (half of
 * a UTF-16 pair), which PostgreSQL's text and jsonb cannot store, as a dotted path below `path`;
 * undefined when there is none.
 */
export function findNulCharacter(value: unknown, path = 'body'): string | undefined {
  if (typeof value === 'string') return unstorable(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNulCharacter(item, `${path}.${index}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = unstorable(key) ? `${path}.${JSON.stringify(key)}` : findNulCharacter(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

function unstorable(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}
