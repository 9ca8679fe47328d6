// Finding the issue a create of ours made when Jira's answer never reached us (a timeout, a proxy's
// 504): Jira has no idempotency keys, so a plain retry would leave a twin. Every issue Lockstep
// creates carries the issue property `lockstep` ({ticketId, deliveryId}); before creating again, a
// retry asks the enhanced JQL search for the project's issues created in the last day, newest
// first, with that property, and adopts the one made for the same ticket.

import { searchAndReconsileIssuesUsingJql } from 'jira.js/cloud';
import type { Client } from 'jira.js/core';
import type { ParseAnswer } from './comments.ts';
import { searchPageSchema, type JiraIssue } from './payloads.ts';

/** The issue property marking issues Lockstep created. */
export const issuePropertyKey = 'lockstep';

/** How many of the newest issues a retried create looks through. */
const window = 100;

/** The issue an earlier attempt created for `ticketId` in `projectKey`, if there is one. */
export async function findLostCreate(client: Client, parse: ParseAnswer, projectKey: string, ticketId: string): Promise<JiraIssue | undefined> {
  const page = parse(
    searchPageSchema,
    await searchAndReconsileIssuesUsingJql(client, {
      jql: `project = "${projectKey}" AND created >= "-1d" ORDER BY created DESC`,
      maxResults: window,
      fields: ['summary', 'status', 'issuetype'],
      properties: [issuePropertyKey],
    }),
    'the JQL search for an issue created before a lost answer',
  );
  return page.issues.find((issue) => (issue.properties?.[issuePropertyKey] as { ticketId?: unknown } | undefined)?.ticketId === ticketId);
}
