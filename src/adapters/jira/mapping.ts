// Hub fields <-> Jira fields: title <-> summary, description <-> ADF, status <-> workflow status,
// priority <-> priority name, labels <-> labels, assignee <-> accountId. Maps are configurable per
// project with sensible defaults. Going out, a value that cannot be mapped throws a 'rejected'
// ExternalCallError naming field and value (the engine records a SyncError on the mapping); coming
// in, it is left out of the item and listed in `mappingErrors`, never dropped silently.
// Stated rules: Jira labels cannot contain spaces, so spaces become `-` going out; a Jira user
// missing from `userMap` comes in as `jira:<accountId>`, which maps back to that account (users.ts).
// Custom fields (`customFields.<name>`, configured by Jira field id) are mapped by custom-fields.ts.

import { ExternalCallError, type FieldProblem } from '#domain/project/connector.ts';
import { collectFields } from '#adapters/shared/field-collector.ts';
import type { JsonValue } from '#domain/json.ts';
import { customFieldName, priorities, ticketStatuses, type CustomFieldKey, type FieldKey, type Priority, type TicketStatus } from '#domain/ticket/fields.ts';
import { adfToMarkdown, describeAdfLoss, toAdf } from './adf.ts';
import { createCustomFieldMapping, type JiraFieldTypes } from './custom-fields.ts';
import type { JiraConfig } from './settings.ts';
import { hubUserOf, jiraAccountOf } from './users.ts';
import { adfOrNull, jiraLabels, reportedLabels, sameName } from './values.ts';

export { unmappedUserPrefix } from './users.ts';

/** A Jira status as issues and transitions report it. */
export interface JiraStatus {
  readonly name: string;
  /** `new`, `indeterminate` or `done` (statusCategory.key). */
  readonly category?: string | undefined;
}

/** A hub value Jira could not take or a Jira value the hub could not read. */
export type MappingError = FieldProblem;

/** Jira's issue fields as read (REST v3 or a webhook), already parsed. */
export interface JiraIssueFields {
  readonly summary?: string | undefined;
  readonly description?: unknown;
  readonly status?: JiraStatus | undefined;
  readonly priority?: { readonly name: string } | null | undefined;
  readonly labels?: readonly string[] | undefined;
  readonly assignee?: { readonly accountId: string } | null | undefined;
  /** Custom field values by Jira field id, as reported (read by their shape). */
  readonly custom?: Readonly<Record<string, unknown>> | undefined;
  /** The issue came in REST v2 shape (webhooks): multi-line custom text is wiki markup, so text is fetched. */
  readonly wikiText?: boolean | undefined;
}

/** Hub values read from Jira fields, with what could not be read and rich text we cannot carry. */
export interface InboundFields {
  readonly fields: Partial<Record<FieldKey, JsonValue>>;
  readonly mappingErrors: MappingError[];
  /** Why the description does not survive Markdown (empty: it does). */
  readonly descriptionLoss: string[];
  /** Fields reported in a form that cannot be read here (REST v2 text); read the issue for them. */
  readonly needsFetch: FieldKey[];
}

/** Default Jira status names per hub status, best first, and the category to fall back on. */
const statusDefaults: Readonly<Record<TicketStatus, { readonly names: readonly string[]; readonly category?: string }>> = {
  open: { names: ['To Do', 'Open', 'Backlog', 'New', 'Reopened'], category: 'new' },
  acknowledged: { names: ['Acknowledged', 'Selected for Development', 'Triaged'] },
  in_progress: { names: ['In Progress', 'In Development'], category: 'indeterminate' },
  blocked: { names: ['Blocked', 'On Hold'] },
  resolved: { names: ['Done', 'Resolved'], category: 'done' },
  closed: { names: ['Closed', 'Done'], category: 'done' },
};

/** Jira status names read as a hub status when no explicit map says otherwise. */
const inboundStatusNames: Readonly<Record<string, TicketStatus>> = {
  'to do': 'open', open: 'open', backlog: 'open', new: 'open', reopened: 'open',
  acknowledged: 'acknowledged', 'selected for development': 'acknowledged', triaged: 'acknowledged',
  'in progress': 'in_progress', 'in development': 'in_progress', 'in review': 'in_progress', review: 'in_progress',
  blocked: 'blocked', 'on hold': 'blocked',
  done: 'resolved', resolved: 'resolved',
  closed: 'closed', cancelled: 'closed', "won't do": 'closed',
};

const categoryStatus: Readonly<Record<string, TicketStatus>> = { new: 'open', indeterminate: 'in_progress', done: 'resolved' };

const priorityDefaults: Readonly<Record<Priority, string>> = { p1: 'Highest', p2: 'High', p3: 'Medium', p4: 'Low', p5: 'Lowest' };

const maxSummary = 255;

/** The maps of one project, both ways. */
export interface JiraMapping {
  /** Jira field ids of the configured custom fields (asked for in reads). */
  readonly customFieldIds: readonly string[];
  /** Throws 'rejected' naming the first configured custom field Jira does not have. */
  checkFieldTypes(types: JiraFieldTypes): void;
  /**
   * The Jira `fields` object for changed hub fields (status excluded: it moves by transition).
   * Custom fields need the site's field `types` (their write format depends on it).
   */
  toJiraFields(changed: Partial<Record<FieldKey, JsonValue>>, types?: JiraFieldTypes): Record<string, JsonValue>;
  /** Ranks Jira statuses as targets for a hub status: lower is better, undefined never. */
  statusGoal(status: JsonValue): (candidate: JiraStatus) => number | undefined;
  /** The hub status a Jira status reads as; throws 'rejected' when none. */
  hubStatus(status: JiraStatus): TicketStatus;
  /** Hub values of Jira fields (only those present). */
  fromJira(fields: JiraIssueFields): InboundFields;
  /** The value Jira will report back for a hub value we send (labels with dashes, canonical Markdown). */
  reported(field: FieldKey, value: JsonValue, types?: JiraFieldTypes): JsonValue;
}

function rejected(field: string, value: JsonValue, why: string): ExternalCallError {
  return new ExternalCallError('rejected', `${field} ${JSON.stringify(value)} cannot be mapped to Jira: ${why}`);
}


/** The maps of a project with `config`. */
export function createJiraMapping(config: JiraConfig): JiraMapping {
  const statusMap: Partial<Record<TicketStatus, string>> = config.statusMap ?? {};
  const priorityNames: Record<Priority, string> = { ...priorityDefaults, ...config.priorityMap };
  const userMap: Readonly<Record<string, string>> = config.userMap ?? {};
  const custom = createCustomFieldMapping(config);

  function hubStatus(status: JiraStatus): TicketStatus {
    const explicit = ticketStatuses.find((hub) => statusMap[hub] !== undefined && sameName(statusMap[hub] as string, status.name));
    if (explicit) return explicit;
    const byName = inboundStatusNames[status.name.trim().toLowerCase()];
    if (byName) return byName;
    const byCategory = status.category === undefined ? undefined : categoryStatus[status.category];
    if (byCategory) return byCategory;
    throw rejected('status', status.name, 'no hub status has that name or category; add it to config.statusMap');
  }

  function statusGoal(value: JsonValue): (candidate: JiraStatus) => number | undefined {
    if (typeof value !== 'string' || !(ticketStatuses as readonly string[]).includes(value)) throw rejected('status', value, 'not a hub status');
    const hub = value as TicketStatus;
    const explicit = statusMap[hub];
    if (explicit !== undefined) return (candidate) => (sameName(candidate.name, explicit) ? 0 : undefined);
    const { names, category } = statusDefaults[hub];
    return (candidate) => {
      const index = names.findIndex((name) => sameName(name, candidate.name));
      if (index !== -1) return index;
      return category !== undefined && candidate.category === category ? names.length : undefined;
    };
  }

  function assigneeOut(value: JsonValue): JsonValue {
    if (value === null) return null;
    if (typeof value !== 'string') throw rejected('assignee', value, 'not a user name');
    const accountId = jiraAccountOf(value, userMap);
    if (!accountId) throw rejected('assignee', value, 'no Jira account for this user; add it to config.userMap');
    return { accountId };
  }

  function toJiraFields(changed: Partial<Record<FieldKey, JsonValue>>, types?: JiraFieldTypes): Record<string, JsonValue> {
    const fields: Record<string, JsonValue> = {};
    for (const [field, value] of Object.entries(changed) as Array<[FieldKey, JsonValue]>) {
      switch (field) {
        case 'title':
          if (typeof value !== 'string' || value.trim() === '') throw rejected('title', value, 'Jira needs a non-empty summary');
          if (value.length > maxSummary) throw rejected('title', `${value.slice(0, 40)}…`, `Jira summaries hold at most ${maxSummary} characters`);
          fields['summary'] = value;
          break;
        case 'description':
          fields['description'] = adfOrNull(typeof value === 'string' ? value : '');
          break;
        case 'priority': {
          const name = typeof value === 'string' ? priorityNames[value as Priority] : undefined;
          if (!name) throw rejected('priority', value, `not one of ${priorities.join(', ')}`);
          fields['priority'] = { name };
          break;
        }
        case 'labels':
          fields['labels'] = labelsOut(value);
          break;
        case 'assignee':
          fields['assignee'] = assigneeOut(value);
          break;
        case 'status':
          break;
        default:
          // kind and privacy are hub-only; custom fields go by their configured Jira field id.
          if (customFieldName(field) !== undefined) {
            const [fieldId, out] = custom.toJira(field as CustomFieldKey, value, types);
            fields[fieldId] = out;
          }
          break;
      }
    }
    return fields;
  }

  function fromJira(jira: JiraIssueFields): InboundFields {
    const { fields, problems: mappingErrors, attempt } = collectFields();
    let descriptionLoss: string[] = [];
    if (jira.summary !== undefined) fields.title = jira.summary.trim();
    if (jira.description !== undefined) {
      fields.description = adfToMarkdown(jira.description);
      descriptionLoss = describeAdfLoss(jira.description);
    }
    const status = jira.status;
    if (status) attempt('status', status.name, () => hubStatus(status));
    if (jira.priority !== undefined) {
      const name = jira.priority?.name ?? null;
      attempt('priority', name, () => {
        const hub = priorities.find((p) => name !== null && sameName(priorityNames[p], name));
        if (!hub) throw rejected('priority', name, 'no hub priority maps to it; set config.priorityMap');
        return hub;
      });
    }
    if (jira.labels !== undefined) fields.labels = [...new Set(jira.labels)].sort();
    if (jira.assignee !== undefined) {
      const accountId = jira.assignee?.accountId;
      fields.assignee = accountId === undefined ? null : hubUserOf(accountId, userMap);
    }
    const customs = custom.fromJira(jira.custom ?? {}, jira.wikiText === true);
    Object.assign(fields, customs.fields);
    mappingErrors.push(...customs.mappingErrors);
    return { fields, mappingErrors, descriptionLoss, needsFetch: customs.needsFetch };
  }

  function reported(field: FieldKey, value: JsonValue, types?: JiraFieldTypes): JsonValue {
    if (customFieldName(field) !== undefined) return custom.reported(field as CustomFieldKey, value, types);
    if (field === 'labels') return reportedLabels(labelsOut(value));
    if (field === 'description') return adfToMarkdown(toAdf(typeof value === 'string' ? value : ''));
    return value;
  }

  return { customFieldIds: custom.fieldIds, checkFieldTypes: (types) => custom.check(types), toJiraFields, statusGoal, hubStatus, fromJira, reported };
}

/** Hub labels as Jira labels: whitespace runs become `-` (Jira labels cannot contain spaces). */
export function labelsOut(value: JsonValue): string[] {
  if (!Array.isArray(value) || value.some((label) => typeof label !== 'string')) throw rejected('labels', value, 'not a list of strings');
  return jiraLabels(value as string[]);
}
