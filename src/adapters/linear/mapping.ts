// Hub fields <-> Linear issue fields: title, description (Markdown both sides), status <-> workflow
// state (by state type, or by name through `statusMap`), priority 1..4 <-> P1..P4 and 0 (No
// priority) <-> P5, labels by name, assignee <-> user email through `userMap`. Coming in, a value
// that cannot be mapped is left out of the item and listed as a FieldProblem; going out, it throws
// a 'rejected' ExternalCallError naming field and value (the engine records a SyncError).

import { ExternalCallError, type FieldProblem } from '#domain/project/connector.ts';
import { collectFields } from '#adapters/shared/field-collector.ts';
import type { JsonValue } from '#domain/json.ts';
import { priorities, ticketStatuses, type FieldKey, type Priority, type TicketStatus } from '#domain/ticket/fields.ts';
import type { LinearConfig } from './settings.ts';

/** A workflow state as issues and the team report it. */
export interface LinearState {
  readonly id?: string | undefined;
  readonly name: string;
  /** `triage`, `backlog`, `unstarted`, `started`, `completed` or `canceled`. */
  readonly type: string;
  readonly position?: number;
}

/** Linear issue fields as read (webhook or query), already parsed; absent means not reported. */
export interface LinearIssueFields {
  readonly title?: string;
  readonly description?: string | null | undefined;
  readonly priority?: number;
  readonly state?: LinearState | undefined;
  readonly labels?: readonly string[] | undefined;
  /** The assignee's email; null when unassigned. */
  readonly assigneeEmail?: string | null | undefined;
}

/** Hub values read from a Linear issue, with what could not be read. */
export interface InboundFields {
  readonly fields: Partial<Record<FieldKey, JsonValue>>;
  readonly mappingErrors: FieldProblem[];
}

/** Hub status by state type when `statusMap` does not name the state. */
const statusByType: Readonly<Record<string, TicketStatus>> = {
  triage: 'open',
  backlog: 'open',
  unstarted: 'open',
  started: 'in_progress',
  completed: 'resolved',
  canceled: 'closed',
};

/** State types a hub status goes to when `statusMap` does not name one, best first. */
const typesByStatus: Readonly<Partial<Record<TicketStatus, readonly string[]>>> = {
  open: ['unstarted', 'backlog'],
  in_progress: ['started'],
  resolved: ['completed'],
  closed: ['canceled'],
};

/** Linear priority (0 No priority, 1 Urgent .. 4 Low) by hub priority. */
const priorityNumbers: Readonly<Record<Priority, number>> = { p1: 1, p2: 2, p3: 3, p4: 4, p5: 0 };

/** Two Linear names (states, labels) are the same regardless of case and outer spaces. */
export function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** A 'rejected' error naming the value that cannot go to Linear. */
export function rejected(field: string, value: JsonValue, why: string): ExternalCallError {
  return new ExternalCallError('rejected', `${field} ${JSON.stringify(value)} cannot be mapped to Linear: ${why}`);
}

/** The maps of one project, both ways. */
export interface LinearMapping {
  /** The hub status a workflow state reads as; throws 'rejected' when none. */
  hubStatus(state: LinearState): TicketStatus;
  /** The state of `states` that hub `status` goes to; throws 'rejected' when none. */
  stateFor<S extends LinearState>(status: JsonValue, states: readonly S[]): S;
  /** Linear's priority number for a hub priority; throws 'rejected'. */
  priorityOut(value: JsonValue): number;
  /** The hub priority of a Linear priority number; throws 'rejected'. */
  priorityIn(value: number): Priority;
  /** The Linear email of a hub assignee (null: unassigned); throws 'rejected'. */
  assigneeOut(value: JsonValue): string | null;
  /** The hub user of a Linear email. */
  assigneeIn(email: string): string;
  /** Hub labels as label names (trimmed, without repeats); throws 'rejected'. */
  labelsOut(value: JsonValue): string[];
  /** Hub values of Linear fields (only those present). */
  fromLinear(fields: LinearIssueFields): InboundFields;
}

/** The maps of a project with `config`. */
export function createLinearMapping(config: LinearConfig): LinearMapping {
  const statusMap: Partial<Record<TicketStatus, string>> = config.statusMap ?? {};
  const userMap: Readonly<Record<string, string>> = config.userMap ?? {};

  function hubStatus(state: LinearState): TicketStatus {
    const named = ticketStatuses.find((hub) => {
      const name = statusMap[hub];
      return name !== undefined && sameName(name, state.name);
    });
    if (named) return named;
    const byType = statusByType[state.type];
    if (byType) return byType;
    const why = `state type "${state.type}" has no hub status; name the state in config.statusMap`;
    throw rejected('status', state.name, why);
  }

  function stateFor<S extends LinearState>(status: JsonValue, states: readonly S[]): S {
    if (typeof status !== 'string' || !(ticketStatuses as readonly string[]).includes(status)) {
      throw rejected('status', status, 'not a hub status');
    }
    const hub = status as TicketStatus;
    const name = statusMap[hub];
    if (name !== undefined) {
      const found = states.find((state) => sameName(state.name, name));
      if (!found) throw rejected('status', status, `the team has no workflow state named "${name}" (config.statusMap)`);
      return found;
    }
    const byPosition = [...states].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    for (const type of typesByStatus[hub] ?? []) {
      const found = byPosition.find((state) => state.type === type);
      if (found) return found;
    }
    throw rejected('status', status, 'no workflow state type matches it; map it to a state name in config.statusMap');
  }

  function priorityOut(value: JsonValue): number {
    const number = typeof value === 'string' ? priorityNumbers[value as Priority] : undefined;
    if (number === undefined) throw rejected('priority', value, `not one of ${priorities.join(', ')}`);
    return number;
  }

  function priorityIn(value: number): Priority {
    const hub = priorities.find((p) => priorityNumbers[p] === value);
    if (!hub) throw rejected('priority', value, 'Linear priorities are 0 (No priority) to 4 (Low)');
    return hub;
  }

  function assigneeOut(value: JsonValue): string | null {
    if (value === null) return null;
    if (typeof value !== 'string' || value.trim() === '') throw rejected('assignee', value, 'not a user name');
    const mapped = userMap[value];
    if (mapped !== undefined) return mapped;
    if (/^[^@\s]+@[^@\s]+$/.test(value)) return value;
    throw rejected('assignee', value, 'no Linear user for this hub user; add their email to config.userMap');
  }

  function assigneeIn(email: string): string {
    return Object.keys(userMap).find((name) => sameName(userMap[name] as string, email)) ?? email;
  }

  function labelsOut(value: JsonValue): string[] {
    if (!Array.isArray(value) || value.some((label) => typeof label !== 'string')) {
      throw rejected('labels', value, 'not a list of strings');
    }
    const names: string[] = [];
    for (const label of value as string[]) {
      const name = label.trim();
      if (name !== '' && !names.some((seen) => sameName(seen, name))) names.push(name);
    }
    return names;
  }

  function fromLinear(linear: LinearIssueFields): InboundFields {
    const { fields, problems: mappingErrors, attempt } = collectFields();
    if (linear.title !== undefined) fields.title = linear.title.trim();
    if (linear.description !== undefined) fields.description = linear.description ?? '';
    const state = linear.state;
    if (state) attempt('status', state.name, () => hubStatus(state));
    const priority = linear.priority;
    if (priority !== undefined) attempt('priority', priority, () => priorityIn(priority));
    if (linear.labels !== undefined) fields.labels = [...new Set(linear.labels)].sort();
    const email = linear.assigneeEmail;
    if (email !== undefined) fields.assignee = email === null ? null : assigneeIn(email);
    return { fields, mappingErrors };
  }

  return { hubStatus, stateFor, priorityOut, priorityIn, assigneeOut, assigneeIn, labelsOut, fromLinear };
}
