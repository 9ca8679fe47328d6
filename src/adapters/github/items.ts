// A GitHub issue as the ExternalItem the engine reads, whether it came by webhook, by the issue
// list or by a single fetch, with one ordering key for all three: the issue's `updated_at`, then
// when Lockstep saw that state (`<ISO>#<ms>`). GitHub keeps `updated_at` to the second, so within a
// second the key falls back on our own clock: a read sent before our write was answered is older
// than that write (never pulls the ticket back), a read sent after it is newer (a person's edit in
// the same second still counts). A state read again keeps the key it was first seen with
// (createStateKeys), so only a new state has a newer key. A webhook's own copy sorts first.

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

const seenWidth = 15;

/** The ordering key of a state of an issue updated at `updatedMs`, seen by Lockstep at `seenAtMs`. */
export function orderingKeyOf(updatedMs: number, seenAtMs = 0): string {
  return `${new Date(updatedMs).toISOString()}#${String(Math.max(0, Math.floor(seenAtMs))).padStart(seenWidth, '0')}`;
}

/** The ordering key of a deletion reported with the issue's last `updatedMs`: after any edit of that second. */
export function deletionKeyOf(updatedMs: number): string {
  return `${new Date(updatedMs).toISOString()}#~deleted`;
}

/** True for a pull request (the Issues API lists them among issues). */
export function isPullRequest(issue: GithubIssue): boolean {
  return issue.pull_request !== undefined && issue.pull_request !== null;
}

/** The key of a state of an issue; a state read again gets the key it was first seen with. */
export type StateKeys = (externalId: string, updatedMs: number, fields: unknown, seenAtMs: number) => string;

/**
 * Remembers the last few states of each issue with the key each was first seen with, so reading an
 * unchanged issue again reports the same key (the engine reads a newer key as "the side moved").
 */
export function createStateKeys(capacity = 10_000, perIssue = 4): StateKeys {
  const byIssue = new Map<string, Array<{ readonly state: string; readonly key: string }>>();
  return (externalId, updatedMs, fields, seenAtMs) => {
    const state = `${updatedMs} ${JSON.stringify(fields)}`;
    const states = byIssue.get(externalId) ?? [];
    const known = states.find((entry) => entry.state === state);
    if (known) return known.key;
    const key = orderingKeyOf(updatedMs, seenAtMs);
    states.push({ state, key });
    if (states.length > perIssue) states.shift();
    byIssue.delete(externalId);
    byIssue.set(externalId, states);
    if (byIssue.size > capacity) byIssue.delete(byIssue.keys().next().value ?? externalId);
    return key;
  };
}

/** The item for `issue`, a state seen at `seenAtMs` (0: when is unknown, as for a webhook's copy). */
export function itemFromIssue(
  issue: GithubIssue,
  mapping: GithubMapping,
  seenAtMs: number,
  options: { readonly actor?: string; readonly keys?: StateKeys } = {},
): ExternalItem {
  const inbound = mapping.fromIssue(issue);
  const externalId = externalIdOf(issue.number);
  const orderingKey = options.keys
    ? options.keys(externalId, issue.updated_at, inbound.fields, seenAtMs)
    : orderingKeyOf(issue.updated_at, seenAtMs);
  return {
    externalId,
    ...(issue.html_url ? { url: issue.html_url } : {}),
    orderingKey,
    observedAtMs: issue.updated_at,
    ...(options.actor === undefined ? {} : { actor: options.actor }),
    fields: inbound.fields,
    ...(inbound.mappingErrors.length > 0 ? { mappingErrors: inbound.mappingErrors } : {}),
  };
}
