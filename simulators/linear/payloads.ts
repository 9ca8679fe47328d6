// The `data` of the simulator's webhooks, field for field as Linear sends it: the issue as
// `IssueWebhookPayload` and the comment as `CommentWebhookPayload` (see the real deliveries in
// test/adapters/linear/samples.ts), with their child payloads for state, team, labels and users.

import type { LinearStore, SimComment, SimIssue, SimState, SimUser } from './store.ts';

const priorityLabels = ['No priority', 'Urgent', 'High', 'Medium', 'Low'];
const iso = (ms: number) => new Date(ms).toISOString();

/** A member as `UserChildWebhookPayload`. */
function userData(store: LinearStore, user: SimUser): Record<string, unknown> {
  const url = `https://linear.app/${store.urlKey}/profiles/${user.id}`;
  return { id: user.id, name: user.name, email: user.email, url };
}

/** The issue as `IssueWebhookPayload`. */
export function issueData(store: LinearStore, issue: SimIssue): Record<string, unknown> {
  const state = store.state(issue.stateId) as SimState;
  const assignee = store.user(issue.assigneeId);
  return {
    id: issue.id,
    createdAt: iso(issue.createdAt),
    updatedAt: iso(issue.updatedAt),
    number: issue.number,
    title: issue.title,
    description: issue.description,
    priority: issue.priority,
    priorityLabel: priorityLabels[issue.priority] ?? 'No priority',
    sortOrder: -issue.number,
    labelIds: [...issue.labelIds],
    teamId: issue.teamId,
    previousIdentifiers: [],
    creatorId: issue.creatorId,
    assigneeId: issue.assigneeId,
    stateId: issue.stateId,
    identifier: store.identifier(issue),
    url: store.issueUrl(issue),
    state: { id: state.id, color: state.color, name: state.name, type: state.type },
    team: { ...store.team },
    ...(assignee ? { assignee: userData(store, assignee) } : {}),
    subscriberIds: [issue.creatorId],
    labels: issue.labelIds
      .map((id) => store.label(id))
      .filter((label) => label !== undefined)
      .map((label) => ({ id: label.id, color: label.color, name: label.name })),
    reactionData: [],
  };
}

/** The comment as `CommentWebhookPayload`, with its issue as `IssueChildWebhookPayload`. */
export function commentData(store: LinearStore, comment: SimComment): Record<string, unknown> {
  const issue = store.issues.get(comment.issueId);
  const user = store.user(comment.userId);
  return {
    id: comment.id,
    createdAt: iso(comment.createdAt),
    updatedAt: iso(comment.updatedAt),
    body: comment.body,
    issueId: comment.issueId,
    userId: comment.userId,
    ...(comment.editedAt === null ? {} : { editedAt: iso(comment.editedAt) }),
    reactionData: [],
    ...(issue
      ? {
          issue: {
            id: issue.id,
            title: issue.title,
            identifier: store.identifier(issue),
            teamId: issue.teamId,
            team: { ...store.team },
            url: store.issueUrl(issue),
          },
        }
      : {}),
    ...(user ? { user: { id: user.id, name: user.name, email: user.email } } : {}),
  };
}
