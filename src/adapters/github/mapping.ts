// Hub fields <-> a GitHub issue, as the contract maps them: title, body (Markdown as is, our marker
// stripped), open/closed with `state_reason` (completed = resolved, not_planned = closed), the
// open statuses told apart by `statusLabels`, priority by `priorityLabels`, the other labels as the
// hub's labels, and the first assignee through `userMap` (with no userMap, logins are hub names); an assignee set
// from the hub replaces the issue's assignees, so it is the first one read back.
// Coming in, a value that cannot be mapped is a FieldProblem and its field is left out; going out,
// it throws a 'rejected' ExternalCallError naming it.

import { ExternalCallError, type FieldProblem } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import { priorities, ticketStatuses, type FieldKey, type Priority, type TicketStatus } from '#domain/ticket/fields.ts';
import { stripMarker } from './marker.ts';
import type { GithubIssue } from './payloads.ts';
import type { GithubConfig } from './settings.ts';

/** The hub values an issue reports, and what could not be mapped. */
export interface InboundFields {
  readonly fields: Partial<Record<FieldKey, JsonValue>>;
  readonly mappingErrors: FieldProblem[];
}

/** What an issue write sends (the Issues API's `PATCH` body, in part). */
export interface IssueWrite {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  state_reason?: 'completed' | 'not_planned' | 'reopened';
  labels?: string[];
  assignees?: string[];
}

/** The mapping of one project's config. */
export interface GithubMapping {
  fromIssue(issue: GithubIssue): InboundFields;
  /** The issue's labels after the changed status, priority and labels (current labels kept otherwise). */
  labelsAfter(current: readonly string[], changed: Partial<Record<FieldKey, JsonValue>>): string[];
  /** The state part of a write for hub `status`. */
  stateFor(status: JsonValue): Pick<IssueWrite, 'state' | 'state_reason'>;
  /** The assignees for hub `assignee`: that one login alone, so it reads back as the first. */
  assigneesFor(assignee: JsonValue): string[];
  /** The labels the mapping owns (status and priority), lower-cased. */
  readonly reservedLabels: ReadonlySet<string>;
  /** Every status and priority label the repository needs. */
  readonly neededLabels: readonly string[];
}

/** GitHub's longest label name. */
const maxLabel = 50;

function rejected(field: string, value: JsonValue, why: string): ExternalCallError {
  return new ExternalCallError('rejected', `${field} ${JSON.stringify(value)} cannot be mapped to GitHub: ${why}`);
}

/** The mapping for `config`. */
export function createGithubMapping(config: GithubConfig): GithubMapping {
  const statusLabels = config.statusLabels ?? {};
  const priorityLabels = config.priorityLabels;
  const userMap = config.userMap;
  const statusOfLabel = new Map(
    Object.entries(statusLabels).map(([status, label]) => [label.toLowerCase(), status as TicketStatus]),
  );
  const priorityOfLabel = new Map(
    Object.entries(priorityLabels).map(([priority, label]) => [label.toLowerCase(), priority as Priority]),
  );
  const reservedLabels = new Set([...statusOfLabel.keys(), ...priorityOfLabel.keys()]);

  function hubUser(login: string): string | undefined {
    if (!userMap) return login;
    return Object.keys(userMap).find((name) => userMap[name]?.toLowerCase() === login.toLowerCase());
  }

  function loginOf(user: JsonValue): string {
    if (typeof user !== 'string' || user.trim() === '') throw rejected('assignee', user, 'not a user name');
    if (!userMap) return user;
    const login = userMap[user];
    if (login === undefined)
      throw rejected('assignee', user, 'no GitHub login for this user; add it to config.userMap');
    return login;
  }

  function labelOf(field: 'status' | 'priority', value: JsonValue): string | undefined {
    if (field === 'priority') {
      if (typeof value !== 'string' || !(priorities as readonly string[]).includes(value))
        throw rejected('priority', value, `not one of ${priorities.join(', ')}`);
      return priorityLabels[value as Priority];
    }
    if (typeof value !== 'string' || !(ticketStatuses as readonly string[]).includes(value))
      throw rejected('status', value, 'not a hub status');
    return statusLabels[value as TicketStatus];
  }

  function statusOf(issue: GithubIssue, names: readonly string[], problems: FieldProblem[]): TicketStatus | undefined {
    if (issue.state === 'closed') {
      if (issue.state_reason === 'not_planned' || issue.state_reason === 'duplicate') return 'closed';
      return 'resolved';
    }
    const found = [
      ...new Set(names.map((name) => statusOfLabel.get(name.toLowerCase())).filter((s) => s !== undefined)),
    ];
    if (found.length > 1) {
      problems.push({
        field: 'status',
        value: found,
        message: `the issue carries ${found.length} status labels; keep one`,
      });
      return undefined;
    }
    return found[0] ?? 'open';
  }

  return {
    reservedLabels,
    neededLabels: [...Object.values(statusLabels), ...Object.values(priorityLabels)],

    fromIssue(issue) {
      const problems: FieldProblem[] = [];
      const names = issue.labels.map((label) => label.name);
      const fields: Partial<Record<FieldKey, JsonValue>> = {
        title: issue.title,
        description: stripMarker(issue.body ?? '').text,
        labels: [...new Set(names.filter((name) => !reservedLabels.has(name.toLowerCase())))].sort(),
      };
      const status = statusOf(issue, names, problems);
      if (status !== undefined) fields.status = status;
      const found = [
        ...new Set(names.map((name) => priorityOfLabel.get(name.toLowerCase())).filter((p) => p !== undefined)),
      ];
      if (found.length > 1)
        problems.push({
          field: 'priority',
          value: found,
          message: `the issue carries ${found.length} priority labels; keep one`,
        });
      else if (found[0] !== undefined) fields.priority = found[0];
      const login = (issue.assignees ?? [])[0]?.login ?? issue.assignee?.login;
      if (login === undefined) fields.assignee = null;
      else {
        const user = hubUser(login);
        if (user === undefined)
          problems.push({ field: 'assignee', value: login, message: `GitHub user ${login} is not in config.userMap` });
        else fields.assignee = user;
      }
      return { fields, mappingErrors: problems };
    },

    labelsAfter(current, changed) {
      const drop = new Set<string>();
      const add: string[] = [];
      for (const field of ['status', 'priority'] as const) {
        const value = changed[field];
        if (value === undefined) continue;
        const owned = field === 'status' ? statusOfLabel : priorityOfLabel;
        for (const label of owned.keys()) drop.add(label);
        const label = labelOf(field, value);
        if (label !== undefined) add.push(label);
      }
      const labels = changed.labels;
      if (labels !== undefined) {
        if (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string'))
          throw rejected('labels', labels, 'not a list of strings');
        for (const label of current) if (!reservedLabels.has(label.toLowerCase())) drop.add(label.toLowerCase());
        const own = (labels as string[]).filter((label) => !reservedLabels.has(label.toLowerCase()));
        const long = own.find((label) => label.length > maxLabel);
        if (long !== undefined)
          throw rejected('labels', long, `GitHub label names hold at most ${maxLabel} characters`);
        add.push(...own);
      }
      const kept = current.filter((label) => !drop.has(label.toLowerCase()));
      return [...new Set([...kept, ...add])];
    },

    stateFor(status) {
      labelOf('status', status);
      if (status === 'resolved') return { state: 'closed', state_reason: 'completed' };
      if (status === 'closed') return { state: 'closed', state_reason: 'not_planned' };
      return { state: 'open' };
    },

    assigneesFor(assignee) {
      return assignee === null ? [] : [loginOf(assignee)];
    },
  };
}
