// A Jira issue as the ExternalItem the engine reads, whether it came by webhook, by search or by a
// single fetch. Also the one ordering key all three share: `updated` alone cannot order two changes
// in the same millisecond and a changelog id alone is not available when polling, so the key is the
// UTC `updated` instant with the changelog id (zero-padded) after it, which sorts as a plain string
// with the engine's default comparator whichever way the report arrived.

import type { ExternalItem } from '#domain/project/connector.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import type { JiraMapping, MappingError } from './mapping.ts';
import { hasWikiDescription, isRestV2Shape, mappingFields, type JiraIssue } from './payloads.ts';

/** An ExternalItem with what the Jira connector adds (structural extras the engine may read). */
export interface JiraExternalItem extends ExternalItem {
  /** Jira values that could not be mapped; their fields are left out of `fields`. */
  readonly mappingErrors?: readonly MappingError[];
  /** Why the Jira description would not survive being written back from Markdown. */
  readonly richTextLoss?: Readonly<Partial<Record<FieldKey, readonly string[]>>>;
  /** Fields the delivery did not carry in a readable form; fetchItem gives them. */
  readonly needsFetch?: readonly FieldKey[];
}

const changelogWidth = 20;

/** The ordering key of a report of an issue updated at `updatedMs`, by changelog `changelogId` if known. */
export function orderingKeyOf(updatedMs: number, changelogId?: string): string {
  const instant = new Date(updatedMs).toISOString();
  return changelogId === undefined ? instant : `${instant}#${changelogId.padStart(changelogWidth, '0')}`;
}

/** The ordering key of a deletion at `atMs`: after every change made in that millisecond. */
export function deletionKeyOf(atMs: number): string {
  return `${new Date(atMs).toISOString()}#~deleted`;
}

/** The browse URL of issue `key`. */
export function issueUrl(baseUrl: string, key: string): string {
  return new URL(`browse/${encodeURIComponent(key)}`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}

/** The item for `issue`; `fallbackMs` stamps it when the issue carries no `updated`. */
export function itemFromIssue(
  issue: JiraIssue,
  mapping: JiraMapping,
  baseUrl: string,
  options: { readonly fallbackMs: number; readonly changelogId?: string; readonly actor?: string },
): JiraExternalItem {
  const observedAtMs = issue.fields.updated ?? options.fallbackMs;
  const inbound = mapping.fromJira({ ...mappingFields(issue.fields), wikiText: isRestV2Shape(issue) });
  const needsFetch: FieldKey[] = [...(hasWikiDescription(issue.fields) ? (['description'] as const) : []), ...inbound.needsFetch];
  return {
    externalId: issue.key,
    url: issueUrl(baseUrl, issue.key),
    orderingKey: orderingKeyOf(observedAtMs, options.changelogId),
    observedAtMs,
    ...(options.actor === undefined ? {} : { actor: options.actor }),
    fields: inbound.fields,
    ...(inbound.mappingErrors.length > 0 ? { mappingErrors: inbound.mappingErrors } : {}),
    ...(inbound.descriptionLoss.length > 0 ? { richTextLoss: { description: inbound.descriptionLoss } } : {}),
    ...(needsFetch.length > 0 ? { needsFetch } : {}),
  };
}
