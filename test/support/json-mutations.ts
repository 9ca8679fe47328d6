// Mutations of real JSON payloads for property tests of parsers at the edge: a delivery that a
// source (or an attacker) bends in any way must either parse or be refused with InvalidDelivery
// naming the problem, never crash with anything else.
import fc from 'fast-check';
import { expect } from 'vitest';
import { InvalidDelivery } from '#domain/project/connector.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** One change to a JSON document at a path. */
type Mutation = { path: Path; kind: 'delete' } | { path: Path; kind: 'replace'; value: Json };

function pathsOf(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => out.push(...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...prefix, key]));
  }
  return out;
}

function apply(document: Json, mutation: Mutation): Json {
  if (mutation.path.length === 0) return mutation.kind === 'replace' ? mutation.value : null;
  const copy = structuredClone(document);
  let parent: Json = copy;
  for (const key of mutation.path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return copy;
    const next: Json | undefined = Array.isArray(parent) ? parent[key as number] : parent[key as string];
    if (next === undefined) return copy;
    parent = next;
  }
  const last = mutation.path[mutation.path.length - 1] as string | number;
  if (parent === null || typeof parent !== 'object') return copy;
  if (Array.isArray(parent)) {
    if (mutation.kind === 'delete') parent.splice(last as number, 1);
    else parent[last as number] = mutation.value;
  } else if (mutation.kind === 'delete') delete parent[last as string];
  else parent[last as string] = mutation.value;
  return copy;
}

/** Values that tend to break parsers: wrong types, empty and odd strings, huge and negative numbers. */
const nastyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e21, 1.5, '', ' ', '0', 'null', '[]', '{}', '__proto__', [], {}),
  fc.string(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** `original` with one to three random deletions or replacements anywhere in it. */
export function mutatedJson(original: unknown): fc.Arbitrary<unknown> {
  const document = original as Json;
  const paths = pathsOf(document);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ path: fc.constantFrom(...paths), kind: fc.constant('delete' as const) }),
    fc.record({ path: fc.constantFrom(...paths), kind: fc.constant('replace' as const), value: nastyValue }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => mutations.reduce(apply, document));
}

/** What `run` throws, or undefined when it returns. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Runs `parse`; passes when it returns or throws InvalidDelivery with a message naming a field. */
export function expectParsedOrRefused(parse: () => unknown): void {
  const error = thrownBy(parse);
  if (error === undefined) return;
  expect(error).toBeInstanceOf(InvalidDelivery);
  expect((error as Error).message).toMatch(/^\S+: \S/);
}

/** The UTF-8 bytes of `value` as JSON. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
