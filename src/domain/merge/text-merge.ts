// Three-way merge of text (descriptions) against the common base, line by line with node-diff3.
// Non-overlapping edits merge cleanly; overlapping edits are reported as a conflict so the caller
// falls back to `manual` instead of inventing a value with conflict markers in it.

import { diff3Merge } from 'node-diff3';

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
