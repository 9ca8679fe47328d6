// The simulated repository's objects in the JSON GitHub's REST API and webhooks use (the shapes of
// GitHub's OpenAPI description and of octokit/webhooks' sample deliveries), with the fields a
// client may read; URLs point at the simulator.

import type { SimComment, SimIssue } from './store.ts';

/** Where the simulated repository lives. */
export interface SimRepoRef {
  readonly baseUrl: string;
  readonly owner: string;
  readonly repo: string;
}

export function userJson(ref: SimRepoRef, login: string): Record<string, unknown> {
  return {
    login,
    id: 1000 + login.length,
    node_id: `U_${login}`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
    url: `${ref.baseUrl}/users/${login}`,
  };
}

export function labelJson(
  ref: SimRepoRef,
  name: string,
  color = 'ededed',
  description: string | null = null,
): Record<string, unknown> {
  return {
    id: name.length * 7919,
    node_id: `LA_${name}`,
    url: `${ref.baseUrl}/repos/${ref.owner}/${ref.repo}/labels/${encodeURIComponent(name)}`,
    name,
    color,
    default: false,
    description,
  };
}

export function issueJson(
  ref: SimRepoRef,
  issue: SimIssue,
  labelColor: (name: string) => string,
  commentCount: number,
): Record<string, unknown> {
  const api = `${ref.baseUrl}/repos/${ref.owner}/${ref.repo}`;
  const assignees = issue.assignees.map((login) => userJson(ref, login));
  return {
    url: `${api}/issues/${issue.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${issue.number}/labels{/name}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    events_url: `${api}/issues/${issue.number}/events`,
    html_url: `${ref.baseUrl}/${ref.owner}/${ref.repo}/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`,
    id: issue.id,
    node_id: `I_${issue.id}`,
    number: issue.number,
    title: issue.title,
    user: userJson(ref, issue.author),
    labels: issue.labels.map((name) => labelJson(ref, name, labelColor(name))),
    state: issue.state,
    locked: false,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    comments: commentCount,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: 'OWNER',
    active_lock_reason: null,
    body: issue.body,
    state_reason: issue.stateReason,
    ...(issue.pullRequest
      ? {
          pull_request: {
            url: `${api}/pulls/${issue.number}`,
            html_url: `${ref.baseUrl}/${ref.owner}/${ref.repo}/pull/${issue.number}`,
            diff_url: null,
            patch_url: null,
            merged_at: null,
          },
        }
      : {}),
  };
}

export function commentJson(ref: SimRepoRef, comment: SimComment): Record<string, unknown> {
  const api = `${ref.baseUrl}/repos/${ref.owner}/${ref.repo}`;
  return {
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${ref.baseUrl}/${ref.owner}/${ref.repo}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: `IC_${comment.id}`,
    user: userJson(ref, comment.author),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: 'OWNER',
    body: comment.body,
  };
}

export function repositoryJson(
  ref: SimRepoRef,
  permissions: { admin: boolean; push: boolean; pull: boolean } | undefined,
): Record<string, unknown> {
  return {
    id: 186853002,
    node_id: 'R_sim',
    name: ref.repo,
    full_name: `${ref.owner}/${ref.repo}`,
    private: false,
    owner: userJson(ref, ref.owner),
    html_url: `${ref.baseUrl}/${ref.owner}/${ref.repo}`,
    url: `${ref.baseUrl}/repos/${ref.owner}/${ref.repo}`,
    has_issues: true,
    default_branch: 'main',
    ...(permissions ? { permissions: { ...permissions, triage: permissions.push, maintain: permissions.admin } } : {}),
  };
}
