// The GraphQL documents the LINEAR connector sends, kept small on purpose: Linear bills every query
// by complexity (0.1 a property, 1 an object, children times `first`), so each asks only for the
// fields the mapping reads, and lists are paged with `first`/`after`.

/** The issue fields every read asks for. */
const issueFields = `fragment LockstepIssue on Issue {
  id identifier url title description priority updatedAt
  state { id name type }
  team { key }
  assignee { email }
  labels(first: 25) { nodes { name } }
}`;

const commentFields = `fragment LockstepComment on Comment {
  id body createdAt updatedAt
  user { name email }
  issue { id }
}`;

/** The API key's user: proves the key works. */
export const viewerQuery = `query LockstepViewer { viewer { id email } }`;

/** The team by key, with its workflow states and labels. */
export const teamQuery = `query LockstepTeam($key: String!) {
  teams(first: 1, filter: { key: { eq: $key } }) {
    nodes {
      id key name
      states(first: 50) { nodes { id name type position } }
      labels(first: 250) { nodes { id name } }
    }
  }
}`;

/** A workspace member by email. */
export const userByEmailQuery = `query LockstepUser($email: String!) {
  users(first: 1, filter: { email: { eq: $email } }) { nodes { id email } }
}`;

/** One page of the team's issues updated since `$since`, newest change first. */
export const issuesQuery = `query LockstepIssues(
  $key: String!, $since: DateTimeOrDuration!, $first: Int!, $after: String
) {
  issues(
    first: $first, after: $after, orderBy: updatedAt,
    filter: { team: { key: { eq: $key } }, updatedAt: { gte: $since } }
  ) {
    nodes { ...LockstepIssue }
    pageInfo { hasNextPage endCursor }
  }
}
${issueFields}`;

/** One issue by id. */
export const issueQuery = `query LockstepIssue($id: String!) { issue(id: $id) { ...LockstepIssue } }
${issueFields}`;

/** Creates an issue (the input carries the id Lockstep chose). */
export const issueCreateMutation = `mutation LockstepIssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { ...LockstepIssue } }
}
${issueFields}`;

/** Changes an issue's fields. */
export const issueUpdateMutation = `mutation LockstepIssueUpdate($id: String!, $input: IssueUpdateInput!) {
  issueUpdate(id: $id, input: $input) { success issue { ...LockstepIssue } }
}
${issueFields}`;

/** Creates a team label. */
export const labelCreateMutation = `mutation LockstepLabelCreate($input: IssueLabelCreateInput!) {
  issueLabelCreate(input: $input) { success issueLabel { id name } }
}`;

/** One comment by id. */
export const commentQuery = `query LockstepComment($id: String!) { comment(id: $id) { ...LockstepComment } }
${commentFields}`;

/** Creates a comment (the input carries the id Lockstep chose). */
export const commentCreateMutation = `mutation LockstepCommentCreate($input: CommentCreateInput!) {
  commentCreate(input: $input) { success comment { ...LockstepComment } }
}
${commentFields}`;

/** Replaces a comment's body. */
export const commentUpdateMutation = `mutation LockstepCommentUpdate($id: String!, $input: CommentUpdateInput!) {
  commentUpdate(id: $id, input: $input) { success comment { ...LockstepComment } }
}
${commentFields}`;

/** Deletes a comment. */
export const commentDeleteMutation = `mutation LockstepCommentDelete($id: String!) {
  commentDelete(id: $id) { success entityId }
}`;
