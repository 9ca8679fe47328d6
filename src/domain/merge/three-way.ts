// Three-way merges against the common base, for the `merge` strategy. Sets (labels): an element
// survives when both sides keep it or either side adds it, and a removal by either side wins, so
// sets never conflict. Text (descriptions): line by line with node-diff3; non-overlapping edits
// merge cleanly, overlapping ones are reported so the caller falls back to `manual` instead of
// inventing a value with conflict markers in it.

import { diff3Merge } from 'node-diff3';

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

/** The outcome of a text merge: the merged text, or an overlap that needs a person. */
export type TextMergeResult = { readonly kind: 'merged'; readonly text: string } | { readonly kind: 'overlap' };

/** `base` merged with the edits of `local` and `remote`, by lines. */
export function mergeText(base: string, local: string, remote: string): TextMergeResult {
  if (local === remote) return { kind: 'merged', text: local };
  if (local === base) return { kind: 'merged', text: remote };
  if (remote === base) return { kind: 'merged', text: local };
  const regions = diff3Merge<string>(local.split('\n'), base.split('\n'), remote.split('\n'), {
    excludeFalseConflicts: true,
  });
  const lines: string[] = [];
  for (const region of regions) {
    if (region.conflict) return { kind: 'overlap' };
    if (region.ok) lines.push(...region.ok);
  }
  return { kind: 'merged', text: lines.join('\n') };
}
