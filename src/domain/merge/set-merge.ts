// Three-way merge of sets (labels) against the common base: an element survives when both sides
// keep it or either side adds it; a removal by either side wins over "kept" by the other. Sets
// never conflict, which is why `merge` is the natural strategy for labels.

/** A set as the domain stores it: deduplicated and sorted. */
export function toSortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** `base` merged with the changes of `local` and of `remote`; sorted and deduplicated. */
export function mergeSets(base: readonly string[], local: readonly string[], remote: readonly string[]): string[] {
  const b = new Set(base);
  const l = new Set(local);
  const r = new Set(remote);
  const out = new Set<string>();
  for (const x of l) if (r.has(x) || !b.has(x)) out.add(x);
  for (const x of r) if (l.has(x) || !b.has(x)) out.add(x);
  return [...out].sort();
}
