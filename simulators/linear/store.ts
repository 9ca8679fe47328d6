// The Linear simulator's workspace in memory: one organisation with a team, its workflow states,
// labels and members, and the team's issues and comments. Every change stamps `updatedAt` from a
// clock that never repeats a millisecond (Linear orders by it) and is announced to listeners as
// the data change event Linear would send (webhooks.ts turns it into a signed delivery).

import { randomUUID } from 'node:crypto';
import { commentData, issueData } from './payloads.ts';

export interface SimState {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly position: number;
  readonly color: string;
}
export interface SimLabel {
  readonly id: string;
  readonly name: string;
  readonly color: string;
  readonly teamId: string | null;
}
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

type Changes = Record<string, unknown>;

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
    const members = [{ name: 'Lockstep bot', email: 'bot@example.com' }, ...users];
    this.users = members.map((user) => ({ ...user, id: randomUUID() }));
    this.viewerId = (this.users[0] as SimUser).id;
  }

  /** The stamp of the latest change (every change ticks); equal stamps mean nothing changed in between. */
  get lastChangeMs(): number {
    return this.lastMs;
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

  createIssue(write: IssueWrite & { readonly id?: string; readonly title: string }, actorId: string, notify = true) {
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
    if (notify) this.emitIssue(issue, 'create', actorId);
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
    this.emitIssue(issue, 'update', actorId, updatedFrom);
  }

  removeIssue(issue: SimIssue, actorId: string): void {
    this.issues.delete(issue.id);
    issue.updatedAt = this.tick();
    this.emitIssue(issue, 'remove', actorId);
  }

  createComment(input: { readonly id?: string; readonly issueId: string; readonly body: string }, actorId: string) {
    const at = this.tick();
    const comment: SimComment = {
      id: input.id ?? randomUUID(),
      issueId: input.issueId,
      body: input.body,
      userId: actorId,
      createdAt: at,
      updatedAt: at,
      editedAt: null,
    };
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

  private emitIssue(issue: SimIssue, action: SimChange['action'], actorId: string, updatedFrom?: Changes): void {
    const data = issueData(this, issue);
    const change = { type: 'Issue' as const, action, entityId: issue.id, actorId, data, url: this.issueUrl(issue) };
    this.emit(updatedFrom ? { ...change, updatedFrom } : change);
  }

  private emitComment(comment: SimComment, action: SimChange['action'], actorId: string, updatedFrom?: Changes): void {
    const issue = this.issues.get(comment.issueId);
    const url = issue ? `${this.issueUrl(issue)}#comment-${comment.id.slice(0, 8)}` : '';
    const data = commentData(this, comment);
    const change = { type: 'Comment' as const, action, entityId: comment.id, actorId, data, url };
    this.emit(updatedFrom ? { ...change, updatedFrom } : change);
  }

  private emit(change: SimChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
