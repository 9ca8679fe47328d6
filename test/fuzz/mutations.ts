// Arbitrary webhook bodies for the fuzz tests: real samples with a few random changes (a value
// replaced by something hostile, a key deleted, a node wrapped in a list or turned into text), real
// samples cut short, and bodies that are nothing like them. Hostile values include what PostgreSQL
// cannot store (NUL, lone surrogates), huge and negative numbers and very long text.
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Strings a careless parser lets through to places that cannot take them. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\udc00\ud800') },
  fc.constantFrom('', ' ', '💥', '-1', 'null', '%00', '\\u0000', 'x'.repeat(10_000), 'é'.repeat(600)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** Any JSON value, hostile strings and edge numbers more often than chance would give. */
export const hostileJson: fc.Arbitrary<Json> = fc.oneof(
  hostileString,
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, [], {}, [null], { '': null }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

interface Mutation {
  /** Child indexes (modulo the number of children) leading to the node to change. */
  readonly at: readonly number[];
  readonly action: 'replace' | 'delete' | 'wrap' | 'stringify' | 'taint';
  readonly value: Json;
  /** What `taint` splices into a string (or puts in place of anything else). */
  readonly text: string;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  action: fc.constantFrom('replace', 'delete', 'wrap', 'stringify', 'taint', 'taint'),
  value: hostileJson,
  text: hostileString,
});

const isContainer = (value: Json): value is Json[] | { [key: string]: Json } =>
  typeof value === 'object' && value !== null;

/** `doc` with `change` applied at the node its path leads to (the deepest reachable one). */
function apply(doc: Json, change: Mutation): Json {
  const root = structuredClone(doc);
  if (!isContainer(root)) return change.value;
  let parent: Json[] | { [key: string]: Json } = root;
  let key: string | number = '';
  for (const [depth, index] of change.at.entries()) {
    const keys: Array<string | number> = Array.isArray(parent) ? parent.map((_, i) => i) : Object.keys(parent);
    if (keys.length === 0) break;
    key = keys[index % keys.length] ?? '';
    const child: Json = (parent as Record<string | number, Json>)[key] ?? null;
    if (depth === change.at.length - 1 || !isContainer(child)) break;
    parent = child;
  }
  const target = parent as Record<string | number, Json>;
  const current = target[key] ?? null;
  if (change.action === 'delete') {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else delete target[key];
  } else if (change.action === 'wrap') target[key] = [current];
  else if (change.action === 'stringify') target[key] = JSON.stringify(current);
  else if (change.action === 'taint')
    target[key] = typeof current === 'string' ? `${current.slice(0, 3)}${change.text}${current.slice(3)}` : change.text;
  else target[key] = change.value;
  return root;
}

/** `doc` with its `pick`-th string (modulo their number) holding `text`: user input echoed by a source. */
function taintOne(doc: Json, pick: number, text: string): Json {
  let seen = 0;
  let total = 0;
  const count = (node: Json): void => {
    if (typeof node === 'string') total += 1;
    else if (isContainer(node)) Object.values(node).forEach(count);
  };
  count(doc);
  const target = total === 0 ? -1 : pick % total;
  const walk = (node: Json): Json => {
    if (typeof node === 'string') return seen++ === target ? `${node.slice(0, 3)}${text}${node.slice(3)}` : node;
    if (Array.isArray(node)) return node.map(walk);
    if (isContainer(node)) return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
    return node;
  };
  return walk(doc);
}

/** Bodies near and far from `samples` (raw JSON texts). */
export function mutatedBodies(samples: readonly string[]): fc.Arbitrary<string> {
  const parsed = samples.map((text) => JSON.parse(text) as Json);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom(...parsed), fc.array(mutation, { minLength: 1, maxLength: 4 }))
        .map(([doc, changes]) => JSON.stringify(changes.reduce(apply, doc))),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...parsed), fc.nat(), hostileString)
        .map(([doc, pick, text]) => JSON.stringify(taintOne(doc, pick, text))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...samples), fc.nat())
        .map(([text, cut]) => text.slice(0, cut % (text.length + 1))),
    },
    { weight: 1, arbitrary: hostileJson.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
}
