// The Linear simulator's workspace in memory: one organisation with a team, its workflow states,
// labels and members, and the team's issues and comments. Every change stamps `updatedAt` from a
// clock that never repeats a millisecond (Linear orders by it) and is announced to listeners as
// the data change event Linear would send (webhooks.ts turns it into a signed delivery).

import { randomUUID } from 'node:crypto';

export interface SimState { readonly id: string; readonly name: string; readonly type: string; readonly position: number; readonly color: string }
export interface SimLabel { readonly id: string; readonly name: string; readonly color: string; readonly teamId: string | null }
export interface SimUser { readonly id: string; readonly name: string; readonly email: string }
export interface SimTeam { readonly id: string; readonly key: string; readonly name: string }

export interface SimIssue {
  readonly id: string;
  readonly number: number;
  readonly teamId: string;
  title: string;
  description: string | null;
  priority: number;
  stateId: string;
  labelIds: string[];
  assigneeId: string | null;
  readonly creatorId: string;
  readonly createdAt: number;
  updatedAt: number;
}

export interface SimComment {
  readonly id: string;
  readonly issueId: string;
  body: string;
  readonly userId: string;
  readonly createdAt: number;
  updatedAt: number;
  editedAt: number | null;
}

/** A data change, as Linear reports it to webhooks. */
export interface SimChange {
  readonly type: 'Issue' | 'Comment';
  readonly action: 'create' | 'update' | 'remove';
  readonly entityId: string;
  readonly actorId: string;
  /** Previous values of the properties that changed (updates). */
  readonly updatedFrom?: Readonly<Record<string, unknown>>;
  /** The entity's webhook `data`, built when the change happened. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly url: string;
}

/** What an issue write may set (IssueCreateInput / IssueUpdateInput subset). */
export interface IssueWrite {
  readonly title?: string;
  readonly description?: string | null;
  readonly priority?: number;
  readonly stateId?: string;
  readonly labelIds?: readonly string[];
  readonly assigneeId?: string | null;
}

const defaultStates: ReadonlyArray<Omit<SimState, 'id'>> = [
  { name: 'Backlog', type: 'backlog', position: 0, color: '#bec2c8' },
  { name: 'Todo', type: 'unstarted', position: 1, color: '#e2e2e2' },
  { name: 'In Progress', type: 'started', position: 2, color: '#f2c94c' },
  { name: 'In Review', type: 'started', position: 3, color: '#0f783c' },
  { name: 'Done', type: 'completed', position: 4, color: '#5e6ad2' },
  { name: 'Canceled', type: 'canceled', position: 5, color: '#95a2b3' },
];

const priorityLabels = ['No priority', 'Urgent', 'High', 'Medium', 'Low'];

/** The simulated workspace. */
export class LinearStore {
  readonly organizationId = randomUUID();
  readonly urlKey = 'acme';
  readonly team: SimTeam;
  readonly states: SimState[];
  readonly labels: SimLabel[] = [];
  readonly users: SimUser[];
  readonly issues = new Map<string, SimIssue>();
  readonly comments = new Map<string, SimComment>();
  /** Id of the API key's user (the integration's bot user). */
  readonly viewerId: string;
  private lastMs = 0;
  private nextNumber = 1;
  private readonly listeners: Array<(change: SimChange) => void> = [];

  constructor(teamKey: string, users: ReadonlyArray<{ name: string; email: string }>) {
    this.team = { id: randomUUID(), key: teamKey, name: `Team ${teamKey}` };
    this.states = defaultStates.map((state) => ({ ...state, id: randomUUID() }));
    this.users = [{ name: 'Lockstep bot', email: 'bot@example.com' }, ...users].map((user) => ({ ...user, id: randomUUID() }));
    this.viewerId = (this.users[0] as SimUser).id;
  }

  /** Epoch ms, strictly increasing across calls. */
  tick(): number {
    this.lastMs = Math.max(Date.now(), this.lastMs + 1);
    return this.lastMs;
  }

  onChange(listener: (change: SimChange) => void): void {
    this.listeners.push(listener);
  }

  identifier(issue: SimIssue): string {
    return `${this.team.key}-${issue.number}`;
  }

  issueUrl(issue: SimIssue): string {
    return `https://linear.app/${this.urlKey}/issue/${this.identifier(issue)}`;
  }

  state(id: string): SimState | undefined {
    return this.states.find((state) => state.id === id);
  }

  user(id: string | null): SimUser | undefined {
    return id === null ? undefined : this.users.find((user) => user.id === id);
  }

  label(id: string): SimLabel | undefined {
    return this.labels.find((label) => label.id === id);
  }

  addLabel(name: string, id: string = randomUUID()): SimLabel {
    const label = { id, name, color: '#bec2c8', teamId: this.team.id };
    this.labels.push(label);
    return label;
  }

  createIssue(write: IssueWrite & { readonly id?: string; readonly title: string }, actorId: string, notify = true): SimIssue {
    const at = this.tick();
    const unstarted = this.states.find((state) => state.type === 'unstarted') as SimState;
    const issue: SimIssue = {
      id: write.id ?? randomUUID(),
      number: this.nextNumber++,
      teamId: this.team.id,
      title: write.title,
      description: write.description ?? null,
      priority: write.priority ?? 0,
      stateId: write.stateId ?? unstarted.id,
      labelIds: [...(write.labelIds ?? [])],
      assigneeId: write.assigneeId ?? null,
      creatorId: actorId,
      createdAt: at,
      updatedAt: at,
    };
    this.issues.set(issue.id, issue);
    if (notify) this.emit({ type: 'Issue', action: 'create', entityId: issue.id, actorId, data: this.issueData(issue), url: this.issueUrl(issue) });
    return issue;
  }

  updateIssue(issue: SimIssue, write: IssueWrite, actorId: string): void {
    const updatedFrom: Record<string, unknown> = {};
    const set = <K extends keyof IssueWrite & keyof SimIssue>(key: K, value: SimIssue[K] | undefined): void => {
      if (value === undefined || JSON.stringify(issue[key]) === JSON.stringify(value)) return;
      updatedFrom[key] = issue[key];
      (issue as unknown as Record<string, unknown>)[key] = value;
    };
    set('title', write.title);
    set('description', write.description);
    set('priority', write.priority);
    set('stateId', write.stateId);
    set('labelIds', write.labelIds === undefined ? undefined : [...write.labelIds]);
    set('assigneeId', write.assigneeId);
    if (Object.keys(updatedFrom).length === 0) return;
    updatedFrom['updatedAt'] = new Date(issue.updatedAt).toISOString();
    issue.updatedAt = this.tick();
    this.emit({ type: 'Issue', action: 'update', entityId: issue.id, actorId, updatedFrom, data: this.issueData(issue), url: this.issueUrl(issue) });
  }

  removeIssue(issue: SimIssue, actorId: string): void {
    this.issues.delete(issue.id);
    issue.updatedAt = this.tick();
    this.emit({ type: 'Issue', action: 'remove', entityId: issue.id, actorId, data: this.issueData(issue), url: this.issueUrl(issue) });
  }

  createComment(input: { readonly id?: string; readonly issueId: string; readonly body: string }, actorId: string): SimComment {
    const at = this.tick();
    const comment: SimComment = { id: input.id ?? randomUUID(), issueId: input.issueId, body: input.body, userId: actorId, createdAt: at, updatedAt: at, editedAt: null };
    this.comments.set(comment.id, comment);
    this.emitComment(comment, 'create', actorId);
    return comment;
  }

  updateComment(comment: SimComment, body: string, actorId: string): void {
    if (comment.body === body) return;
    const updatedFrom = { body: comment.body, updatedAt: new Date(comment.updatedAt).toISOString() };
    comment.body = body;
    comment.updatedAt = this.tick();
    comment.editedAt = comment.updatedAt;
    this.emitComment(comment, 'update', actorId, updatedFrom);
  }

  deleteComment(comment: SimComment, actorId: string): void {
    this.comments.delete(comment.id);
    comment.updatedAt = this.tick();
    this.emitComment(comment, 'remove', actorId);
  }

  /** The issue as `IssueWebhookPayload` (the fields Linear sends; see test samples). */
  issueData(issue: SimIssue): Record<string, unknown> {
    const state = this.state(issue.stateId) as SimState;
    const assignee = this.user(issue.assigneeId);
    return {
      id: issue.id,
      createdAt: new Date(issue.createdAt).toISOString(),
      updatedAt: new Date(issue.updatedAt).toISOString(),
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
      identifier: this.identifier(issue),
      url: this.issueUrl(issue),
      state: { id: state.id, color: state.color, name: state.name, type: state.type },
      team: { ...this.team },
      ...(assignee ? { assignee: { id: assignee.id, name: assignee.name, email: assignee.email, url: `https://linear.app/${this.urlKey}/profiles/${assignee.id}` } } : {}),
      subscriberIds: [issue.creatorId],
      labels: issue.labelIds.map((id) => this.label(id)).filter((label) => label !== undefined).map((label) => ({ id: label.id, color: label.color, name: label.name })),
      reactionData: [],
    };
  }

  private emitComment(comment: SimComment, action: SimChange['action'], actorId: string, updatedFrom?: Record<string, unknown>): void {
    const issue = this.issues.get(comment.issueId);
    const user = this.user(comment.userId);
    const data: Record<string, unknown> = {
      id: comment.id,
      createdAt: new Date(comment.createdAt).toISOString(),
      updatedAt: new Date(comment.updatedAt).toISOString(),
      body: comment.body,
      issueId: comment.issueId,
      userId: comment.userId,
      ...(comment.editedAt === null ? {} : { editedAt: new Date(comment.editedAt).toISOString() }),
      reactionData: [],
      ...(issue ? { issue: { id: issue.id, title: issue.title, identifier: this.identifier(issue), teamId: issue.teamId, team: { ...this.team }, url: this.issueUrl(issue) } } : {}),
      ...(user ? { user: { id: user.id, name: user.name, email: user.email } } : {}),
    };
    const url = issue ? `${this.issueUrl(issue)}#comment-${comment.id.slice(0, 8)}` : '';
    this.emit({ type: 'Comment', action, entityId: comment.id, actorId, data, url, ...(updatedFrom ? { updatedFrom } : {}) });
  }

  private emit(change: SimChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
