// What Lockstep learns about a Jira project that outlives one session: the site's field types
// (`GET /rest/api/3/field`) and the transitions seen in the project's workflows. The engine opens a
// session per job, so without this every push writing a custom field would read the field list
// again and every status push would learn its workflow again. Knowledge expires, so an admin's
// change to fields or workflows is picked up; a remembered transition that is gone is looked up
// again at once anyway (transitions.ts).

import type { JiraFieldTypes } from './custom-fields.ts';
import type { WorkflowKnowledge } from './transitions.ts';

/** What one Jira project's sessions share. */
export interface SiteKnowledge {
  /** Field types being read or read (a failed read is dropped, so the next session asks again). */
  fieldTypes: Promise<JiraFieldTypes> | undefined;
  /** Transitions seen per issue type. */
  readonly workflows: Map<string, WorkflowKnowledge>;
}

/** How long learned knowledge is trusted. */
export const siteKnowledgeTtlMs = 10 * 60_000;

/** Knowledge per Jira site and project, each entry kept for `ttlMs`. */
export function createSiteKnowledge(ttlMs = siteKnowledgeTtlMs, now: () => number = Date.now): (baseUrl: string, projectKey: string) => SiteKnowledge {
  const known = new Map<string, { readonly knowledge: SiteKnowledge; readonly at: number }>();
  return (baseUrl, projectKey) => {
    const key = `${baseUrl.replace(/\/+$/, '')}|${projectKey}`;
    const entry = known.get(key);
    if (entry && now() - entry.at < ttlMs) return entry.knowledge;
    const knowledge: SiteKnowledge = { fieldTypes: undefined, workflows: new Map() };
    known.set(key, { knowledge, at: now() });
    return knowledge;
  };
}
