// "A person in Linear" for the simulator's tests: edits by names (state name, label names, member
// email) turned into the ids the store keeps, made as the workspace's first member rather than as
// the API key's bot user, so the webhooks they fire name a person as Linear's would.

import type { IssueWrite, LinearStore, SimUser } from './store.ts';

/** What a person does to an issue in Linear's app (names, not ids). */
export interface PersonIssueEdit {
  readonly title?: string;
  readonly description?: string | null;
  readonly priority?: number;
  /** Workflow state name. */
  readonly state?: string;
  /** Label names (missing ones are created). */
  readonly labels?: readonly string[];
  /** Member email, or null to unassign. */
  readonly assignee?: string | null;
}

/** Who is acting: the API key's bot user, or the person while `asPerson` runs. */
export interface Actors {
  readonly person: SimUser;
  current(): string;
  asPerson<T>(work: () => T): T;
}

/** The actors of `store`. */
export function createActors(store: LinearStore): Actors {
  const person = (store.users[1] ?? store.users[0]) as SimUser;
  let actor = store.viewerId;
  return {
    person,
    current: () => actor,
    asPerson(work) {
      actor = person.id;
      try {
        return work();
      } finally {
        actor = store.viewerId;
      }
    },
  };
}

/** The store write for a person's edit; throws naming a state or member the team does not have. */
export function personWrite(store: LinearStore, edit: PersonIssueEdit): IssueWrite {
  const state = edit.state === undefined ? undefined : store.states.find((s) => s.name === edit.state);
  if (edit.state !== undefined && !state) throw new Error(`no state named ${edit.state}`);
  let assigneeId: string | null | undefined = edit.assignee === null ? null : undefined;
  if (typeof edit.assignee === 'string') {
    assigneeId = store.users.find((u) => u.email === edit.assignee)?.id;
    if (assigneeId === undefined) throw new Error(`no member with email ${edit.assignee}`);
  }
  const labelId = (name: string) =>
    (store.labels.find((l) => l.name.toLowerCase() === name.toLowerCase()) ?? store.addLabel(name)).id;
  return {
    ...(edit.title === undefined ? {} : { title: edit.title }),
    ...(edit.description === undefined ? {} : { description: edit.description }),
    ...(edit.priority === undefined ? {} : { priority: edit.priority }),
    ...(state ? { stateId: state.id } : {}),
    ...(edit.labels === undefined ? {} : { labelIds: edit.labels.map(labelId) }),
    ...(assigneeId === undefined ? {} : { assigneeId }),
  };
}
