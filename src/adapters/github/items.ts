// A GitHub issue as the ExternalItem the engine reads, whether it came by webhook, by the issue
// list or by a single fetch, so all three report the same values and the same ordering key: the
// issue's `updated_at` as an ISO instant. GitHub keeps it to the second, so two edits in one second
// carry equal keys; the engine treats an equal key as current (not stale) and compares the values.

import type { ExternalItem } from '#domain/project/connector.ts';
import type { GithubMapping } from './mapping.ts';
import type { GithubIssue } from './payloads.ts';

/** The external id of issue `number` (its number, as GitHub shows it). */
export function externalIdOf(number: number): string {
  return String(number);
}

/** The issue number of an external id; undefined when it is not one. */
export function issueNumberOf(externalId: string): number | undefined {
  return /^[1-9]\d{0,9}$/.test(externalId) ? Number(externalId) : undefined;
}

/** The ordering key of a report of an issue updated at `updatedMs`. */
export function orderingKeyOf(updatedMs: number): string {
  return new Date(updatedMs).toISOString();
}

/** The ordering key of a deletion reported with the issue's last `updatedMs`: after any edit of that second. */
export function deletionKeyOf(updatedMs: number): string {
  return `${orderingKeyOf(updatedMs)}#~deleted`;
}

/** True for a pull request (the Issues API lists them among issues). */
export function isPullRequest(issue: GithubIssue): boolean {
  return issue.pull_request !== undefined && issue.pull_request !== null;
}

/** The item for `issue`. */
export function itemFromIssue(issue: GithubIssue, mapping: GithubMapping, actor?: string): ExternalItem {
  const inbound = mapping.fromIssue(issue);
  return {
    externalId: externalIdOf(issue.number),
    ...(issue.html_url ? { url: issue.html_url } : {}),
    orderingKey: orderingKeyOf(issue.updated_at),
    observedAtMs: issue.updated_at,
    ...(actor === undefined ? {} : { actor }),
    fields: inbound.fields,
    ...(inbound.mappingErrors.length > 0 ? { mappingErrors: inbound.mappingErrors } : {}),
  };
}
