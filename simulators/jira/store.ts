// The Jira simulator's state: issues, their changelog, and the workflows that govern their
// statuses, with the two shapes real Jira projects have: a permissive one where every status can be
// reached from any other (global transitions), and a strict one that only moves forward one step
// at a time (To Do -> In Progress -> In Review -> Done, Done -> To Do). Every change goes through
// `apply`, which stamps `updated`, writes a changelog entry and tells the listener (the webhooks).

import type { JsonValue } from '#domain/json.ts';
import { displayCustomField, readCustomField, type SimCustomField } from './custom-fields.ts';

/** A workflow: statuses with their category, the initial one, and transitions (`from: null`: global). */
export interface SimWorkflow {
  readonly statuses: Readonly<Record<string, 'new' | 'indeterminate' | 'done'>>;
  readonly initial: string;
  readonly transitions: readonly { readonly id: string; readonly name: string; readonly from: string | null; readonly to: string }[];
}

/** Every status reachable from every other in one step. */
export const globalWorkflow: SimWorkflow = {
  statuses: { 'To Do': 'new', 'In Progress': 'indeterminate', Blocked: 'indeterminate', Done: 'done', Closed: 'done' },
  initial: 'To Do',
  transitions: ['To Do', 'In Progress', 'Blocked', 'Done', 'Closed'].map((to, index) => ({ id: String(11 + index * 10), name: to, from: null, to })),
};

/** Forward one step at a time, and back to the start only from Done. */
export const strictWorkflow: SimWorkflow = {
  statuses: { 'To Do': 'new', 'In Progress': 'indeterminate', 'In Review': 'indeterminate', Done: 'done' },
  initial: 'To Do',
  transitions: [
    { id: '11', name: 'Start', from: 'To Do', to: 'In Progress' },
    { id: '21', name: 'Review', from: 'In Progress', to: 'In Review' },
    { id: '31', name: 'Approve', from: 'In Review', to: 'Done' },
    { id: '41', name: 'Reopen', from: 'Done', to: 'To Do' },
  ],
};

/** Priorities the simulator knows. */
export const simPriorities = ['Highest', 'High', 'Medium', 'Low', 'Lowest'] as const;

/** An issue as the simulator keeps it. */
export interface SimIssue {
  readonly id: string;
  readonly key: string;
  summary: string;
  description: JsonValue;
  status: string;
  priority: string | null;
  labels: string[];
  assignee: string | null;
  readonly issueType: string;
  readonly createdMs: number;
  updatedMs: number;
  properties: Record<string, JsonValue>;
  /** Custom field values by field id (options by option id, users by accountId). */
  custom: Record<string, JsonValue>;
}

/** One changed field, as in a webhook's `changelog.items`. */
export interface SimChange {
  readonly field: string;
  /** Custom fields: their id (`customfield_10050`); `field` is then the field's name. */
  readonly fieldId?: string;
  readonly fromString: string | null;
  readonly toString: string | null;
}

/** What changed, for the listener. */
export interface SimEvent {
  readonly type: 'jira:issue_created' | 'jira:issue_updated' | 'jira:issue_deleted';
  readonly issue: SimIssue;
  readonly changelogId?: string;
  readonly items: readonly SimChange[];
  readonly actor: string;
  readonly atMs: number;
}

/** The simulator's issues for one project. */
export class SimStore {
  readonly issues = new Map<string, SimIssue>();
  #nextId = 10_000;
  #nextChangelog = 50_000;
  #nextNumber = 1;
  #lastMs = 0;
  readonly projectKey: string;
  readonly workflow: SimWorkflow;
  readonly #listen: (event: SimEvent) => void;
  readonly customFields: readonly SimCustomField[];

  constructor(projectKey: string, workflow: SimWorkflow, listen: (event: SimEvent) => void, customFields: readonly SimCustomField[] = []) {
    this.projectKey = projectKey;
    this.workflow = workflow;
    this.#listen = listen;
    this.customFields = customFields;
  }

  /** A strictly increasing clock, so every change orders after the previous one. */
  stamp(): number {
    this.#lastMs = Math.max(Date.now(), this.#lastMs + 1);
    return this.#lastMs;
  }

  /** Creates an issue in the initial status. */
  create(fields: Partial<Pick<SimIssue, 'summary' | 'description' | 'priority' | 'labels' | 'assignee' | 'properties' | 'custom'>>, actor: string, issueType = 'Task'): SimIssue {
    const id = String(this.#nextId++);
    const now = this.stamp();
    const issue: SimIssue = {
      id,
      key: `${this.projectKey}-${this.#nextNumber++}`,
      summary: fields.summary ?? '',
      description: fields.description ?? null,
      status: this.workflow.initial,
      priority: fields.priority ?? 'Medium',
      labels: fields.labels ?? [],
      assignee: fields.assignee ?? null,
      issueType,
      createdMs: now,
      updatedMs: now,
      properties: fields.properties ?? {},
      custom: { ...fields.custom },
    };
    this.issues.set(issue.key, issue);
    this.#listen({ type: 'jira:issue_created', issue, items: [], actor, atMs: now });
    return issue;
  }

  /** Sets fields (custom ones merged by id); one changelog entry for all of them (none when nothing changed). */
  edit(issue: SimIssue, edit: Partial<Pick<SimIssue, 'summary' | 'description' | 'priority' | 'labels' | 'assignee' | 'status' | 'custom'>>, actor: string): void {
    const { custom = {}, ...fields } = edit;
    const items: SimChange[] = [];
    for (const [fieldId, value] of Object.entries(custom)) {
      const before = issue.custom[fieldId] ?? null;
      if (JSON.stringify(before) === JSON.stringify(value)) continue;
      issue.custom[fieldId] = value;
      const field = this.customFields.find((f) => f.id === fieldId);
      items.push({ field: field?.name ?? fieldId, fieldId, fromString: displayCustomField(field, before), toString: displayCustomField(field, value) });
    }
    for (const [field, value] of Object.entries(fields) as Array<[keyof typeof fields, JsonValue]>) {
      const before = issue[field] as JsonValue;
      if (JSON.stringify(before) === JSON.stringify(value)) continue;
      (issue as unknown as Record<string, JsonValue>)[field] = value;
      items.push({ field, fromString: display(before), toString: display(value) });
    }
    if (items.length === 0) return;
    issue.updatedMs = this.stamp();
    this.#listen({ type: 'jira:issue_updated', issue, changelogId: String(this.#nextChangelog++), items, actor, atMs: issue.updatedMs });
  }

  /** The transitions available from the issue's status. */
  available(issue: SimIssue): SimWorkflow['transitions'] {
    return this.workflow.transitions.filter((t) => (t.from === null || t.from === issue.status) && t.to !== issue.status);
  }

  /** Deletes an issue. */
  remove(issue: SimIssue, actor: string): void {
    this.issues.delete(issue.key);
    this.#listen({ type: 'jira:issue_deleted', issue, items: [], actor, atMs: this.stamp() });
  }
}

function display(value: JsonValue): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join(' ');
  return typeof value === 'object' ? '(rich text)' : String(value);
}

/** Jira's timestamp spelling: `2024-05-01T10:00:00.000+0000`. */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** An issue in REST v3 shape (webhooks carry the same), with a value (null: empty) for each of `customFields`. */
export function issueJson(issue: SimIssue, baseUrl: string, workflow: SimWorkflow, users: ReadonlyMap<string, string>, customFields: readonly SimCustomField[] = []): JsonValue {
  const custom = Object.fromEntries(customFields.map((field) => [field.id, readCustomField(field, issue.custom[field.id] ?? null, baseUrl, users)]));
  return {
    id: issue.id,
    key: issue.key,
    self: `${baseUrl}/rest/api/3/issue/${issue.id}`,
    fields: {
      summary: issue.summary,
      description: issue.description,
      status: { name: issue.status, id: issue.status, statusCategory: { key: workflow.statuses[issue.status] ?? 'new' } },
      priority: issue.priority === null ? null : { name: issue.priority },
      labels: issue.labels,
      assignee: issue.assignee === null ? null : { accountId: issue.assignee, displayName: users.get(issue.assignee) ?? issue.assignee },
      issuetype: { name: issue.issueType },
      project: { key: issue.key.split('-')[0] ?? '' },
      created: jiraTime(issue.createdMs),
      updated: jiraTime(issue.updatedMs),
      ...custom,
    },
  };
}
