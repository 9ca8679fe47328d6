// The state of the simulated repository: issues (pull requests among them, as the Issues API lists
// them), labels and comments, with GitHub's one-second `updated_at`. Every change calls `notify`
// with the webhook event it causes; the server and the person actions share these functions, so an
// edit made "by a person" and one made through the API look the same from outside.

/** A simulated issue (or pull request). */
export interface SimIssue {
  readonly number: number;
  readonly id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null;
  labels: string[];
  assignees: string[];
  readonly author: string;
  readonly createdAt: string;
  updatedAt: string;
  /** When the issue last changed, to the millisecond (GitHub shows only seconds; the bench times edits by it). */
  updatedMs: number;
  closedAt: string | null;
  readonly pullRequest: boolean;
}

/** A simulated issue comment. */
export interface SimComment {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
  readonly author: string;
  readonly createdAt: string;
  updatedAt: string;
}

/** A change as the webhook it causes. */
export type SimEvent =
  | {
      readonly event: 'issues';
      readonly action: string;
      readonly issue: SimIssue;
      readonly actor: string;
      readonly extra?: Record<string, unknown>;
    }
  | {
      readonly event: 'issue_comment';
      readonly action: 'created' | 'edited' | 'deleted';
      readonly issue: SimIssue;
      readonly comment: SimComment;
      readonly actor: string;
    };

/** Fields an issue write may set. */
export interface IssuePatch {
  readonly title?: string;
  readonly body?: string | null;
  readonly state?: 'open' | 'closed';
  readonly state_reason?: string | null;
  readonly labels?: readonly string[];
  readonly assignees?: readonly string[];
}

/** GitHub's timestamps: ISO 8601, to the second. */
export function stampOf(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The repository's issues, labels and comments. */
export class SimStore {
  readonly issues = new Map<number, SimIssue>();
  readonly labels = new Map<string, { name: string; color: string; description: string | null }>();
  readonly comments = new Map<number, SimComment>();
  private nextNumber = 1;
  private nextCommentId = 1_000_001;
  private readonly notify: (event: SimEvent) => void;

  constructor(notify: (event: SimEvent) => void) {
    this.notify = notify;
    for (const name of ['bug', 'documentation', 'enhancement'])
      this.labels.set(name.toLowerCase(), { name, color: 'd73a4a', description: null });
  }

  /** The label of that name, created as GitHub does when an issue write names a missing one. */
  label(name: string): string {
    const known = this.labels.get(name.toLowerCase());
    if (known) return known.name;
    this.labels.set(name.toLowerCase(), { name, color: 'ededed', description: null });
    return name;
  }

  create(
    fields: IssuePatch & { title: string },
    actor: string,
    options: { pullRequest?: boolean; notify?: boolean } = {},
  ): SimIssue {
    const nowMs = Date.now();
    const now = stampOf(nowMs);
    const number = this.nextNumber++;
    const issue: SimIssue = {
      number,
      id: 500_000_000 + number,
      title: fields.title,
      body: fields.body ?? null,
      state: 'open',
      stateReason: null,
      labels: [...new Set((fields.labels ?? []).map((name) => this.label(name)))],
      assignees: [...(fields.assignees ?? [])],
      author: actor,
      createdAt: now,
      updatedAt: now,
      updatedMs: nowMs,
      closedAt: null,
      pullRequest: options.pullRequest ?? false,
    };
    this.issues.set(number, issue);
    if (options.notify ?? true) this.notify({ event: 'issues', action: 'opened', issue, actor });
    return issue;
  }

  /** Applies `patch`; one webhook per kind of change, as GitHub sends them. */
  update(issue: SimIssue, patch: IssuePatch, actor: string): void {
    const actions: Array<{ action: string; extra?: Record<string, unknown> }> = [];
    const changes: Record<string, unknown> = {};
    if (patch.title !== undefined && patch.title !== issue.title) {
      changes['title'] = { from: issue.title };
      issue.title = patch.title;
    }
    if (patch.body !== undefined && patch.body !== issue.body) {
      changes['body'] = { from: issue.body };
      issue.body = patch.body;
    }
    if (Object.keys(changes).length > 0) actions.push({ action: 'edited', extra: { changes } });
    if (patch.labels !== undefined) {
      const next = [...new Set(patch.labels.map((name) => this.label(name)))];
      for (const name of issue.labels.filter((l) => !next.includes(l)))
        actions.push({ action: 'unlabeled', extra: { label: { name } } });
      for (const name of next.filter((l) => !issue.labels.includes(l)))
        actions.push({ action: 'labeled', extra: { label: { name } } });
      issue.labels = next;
    }
    if (patch.assignees !== undefined) {
      const next = [...patch.assignees];
      for (const login of issue.assignees.filter((a) => !next.includes(a)))
        actions.push({ action: 'unassigned', extra: { assignee: { login } } });
      for (const login of next.filter((a) => !issue.assignees.includes(a)))
        actions.push({ action: 'assigned', extra: { assignee: { login } } });
      issue.assignees = next;
    }
    const nowMs = Date.now();
    const now = stampOf(nowMs);
    if (patch.state !== undefined && patch.state !== issue.state) {
      issue.state = patch.state;
      issue.stateReason =
        patch.state === 'closed' ? ((patch.state_reason as SimIssue['stateReason']) ?? 'completed') : 'reopened';
      issue.closedAt = patch.state === 'closed' ? now : issue.closedAt;
      actions.push({ action: patch.state === 'closed' ? 'closed' : 'reopened' });
    } else if (
      patch.state_reason !== undefined &&
      issue.state === 'closed' &&
      patch.state_reason !== issue.stateReason
    ) {
      issue.stateReason = patch.state_reason as SimIssue['stateReason'];
      actions.push({ action: 'edited', extra: { changes: {} } });
    }
    if (actions.length === 0) return;
    issue.updatedAt = now;
    issue.updatedMs = nowMs;
    for (const { action, extra } of actions)
      this.notify({ event: 'issues', action, issue, actor, ...(extra ? { extra } : {}) });
  }

  delete(issue: SimIssue, actor: string): void {
    this.issues.delete(issue.number);
    for (const comment of [...this.comments.values()].filter((c) => c.issueNumber === issue.number))
      this.comments.delete(comment.id);
    this.notify({ event: 'issues', action: 'deleted', issue, actor });
  }

  comment(issue: SimIssue, body: string, actor: string): SimComment {
    const nowMs = Date.now();
    const now = stampOf(nowMs);
    const comment: SimComment = {
      id: this.nextCommentId++,
      issueNumber: issue.number,
      body,
      author: actor,
      createdAt: now,
      updatedAt: now,
    };
    this.comments.set(comment.id, comment);
    // GitHub moves the issue's updated_at when it gets a comment.
    issue.updatedAt = now;
    issue.updatedMs = nowMs;
    this.notify({ event: 'issue_comment', action: 'created', issue, comment, actor });
    return comment;
  }

  editComment(comment: SimComment, body: string, actor: string): void {
    if (body === comment.body) return;
    comment.body = body;
    comment.updatedAt = stampOf(Date.now());
    const issue = this.issues.get(comment.issueNumber);
    if (issue) this.notify({ event: 'issue_comment', action: 'edited', issue, comment, actor });
  }

  deleteComment(comment: SimComment, actor: string): void {
    this.comments.delete(comment.id);
    const issue = this.issues.get(comment.issueNumber);
    if (issue) this.notify({ event: 'issue_comment', action: 'deleted', issue, comment, actor });
  }
}
