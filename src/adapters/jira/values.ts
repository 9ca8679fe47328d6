// Jira spellings both field maps share (mapping.ts for the built-in fields, custom-fields.ts for
// custom ones): names compared the way Jira compares them, labels as Jira can hold them, and rich
// text as Jira takes it (an empty document is sent as null, which clears the field).

import type { JsonValue } from '#domain/json.ts';
import { toAdf } from './adf.ts';

/** Two Jira names (statuses, priorities, options) are the same regardless of case and outer spaces. */
export function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Labels as Jira labels: whitespace runs become `-` (Jira labels cannot contain spaces), empties dropped. */
export function jiraLabels(labels: readonly string[]): string[] {
  return labels.map((label) => label.trim().replace(/\s+/g, '-')).filter((label) => label !== '');
}

/** The labels Jira reports back for `labels`: Jira's spelling, sorted, without repeats. */
export function reportedLabels(labels: readonly string[]): string[] {
  return [...new Set(jiraLabels(labels))].sort();
}

/** Markdown as the ADF Jira takes, or null (which clears the field) when there is nothing to send. */
export function adfOrNull(markdown: string): JsonValue {
  const doc = toAdf(markdown);
  return doc.content.length === 0 ? null : (doc as unknown as JsonValue);
}
