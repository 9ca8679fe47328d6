// Hub fields <-> ServiceNow task fields, as the contract states them: title <-> short_description,
// description <-> description, status <-> state (1 New, 2 In Progress, 3 On Hold, 6 Resolved,
// 7 Closed, 8 Canceled; `stateMap` overrides), priority -> impact/urgency going out and the
// record's computed priority (1..5) coming in, assignee <-> user_name through `userMap`. A state
// of resolution carries close_code and close_notes; any other state clears them (a reopen).
// Pure: going out, a value ServiceNow cannot take throws a 'rejected' ExternalCallError naming it;
// coming in, it is left out and listed as a FieldProblem.

import { ExternalCallError, type FieldProblem } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import { priorities, ticketStatuses, type FieldKey, type Priority, type TicketStatus } from '#domain/ticket/fields.ts';
import type { TableRecord } from './payloads.ts';
import type { ServiceNowConfig } from './settings.ts';

/** Prefix of a hub user naming a ServiceNow user_name that `userMap` does not know. */
export const unmappedUserPrefix = 'servicenow:';

/** ServiceNow's short_description holds at most this many characters (dictionary default). */
export const maxShortDescription = 160;

const defaultStates: Readonly<Record<TicketStatus, string>> = {
  open: '1',
  acknowledged: '2',
  in_progress: '2',
  blocked: '3',
  resolved: '6',
  closed: '7',
};

const inboundStates: Readonly<Record<string, TicketStatus>> = {
  '1': 'open',
  '2': 'in_progress',
  '3': 'blocked',
  '6': 'resolved',
  '7': 'closed',
  '8': 'closed',
};

/** Impact and urgency per hub priority; ServiceNow's default lookup computes the same priority back. */
export const impactUrgency: Readonly<Record<Priority, readonly [impact: string, urgency: string]>> = {
  p1: ['1', '1'],
  p2: ['1', '2'],
  p3: ['2', '2'],
  p4: ['2', '3'],
  p5: ['3', '3'],
};

/** ServiceNow fields to write for changed hub fields; the assignee is a user_name still to resolve. */
export interface OutboundFields {
  readonly fields: Record<string, string>;
  /** The user_name to set `assigned_to` to (null: clear it); absent when the assignee did not change. */
  readonly assignee?: string | null;
  /** Hub values ServiceNow will report back where they differ from what was sent (status). */
  readonly reported: Partial<Record<FieldKey, JsonValue>>;
}

/** Hub values read from a record, and the values that could not be read. */
export interface InboundFields {
  readonly fields: Partial<Record<FieldKey, JsonValue>>;
  readonly problems: FieldProblem[];
}

const isTicketStatus = (value: string): value is TicketStatus => (ticketStatuses as readonly string[]).includes(value);

/** The maps of one project, both ways. */
export interface ServiceNowMapping {
  /** Fields to write for `changed`; throws 'rejected' naming the first value it cannot map. */
  toServiceNow(changed: Partial<Record<FieldKey, JsonValue>>, ticketId: string): OutboundFields;
  /** Hub values of a record's fields (only those present), with what could not be read. */
  fromServiceNow(record: TableRecord): InboundFields;
  /** The hub status a state value reads as, or undefined when none does. */
  hubStatus(state: string): TicketStatus | undefined;
}

function rejected(field: string, value: JsonValue, why: string): ExternalCallError {
  return new ExternalCallError('rejected', `${field} ${JSON.stringify(value)} cannot be mapped to ServiceNow: ${why}`);
}

/** The maps of a project with `config`. */
export function createServiceNowMapping(config: ServiceNowConfig): ServiceNowMapping {
  const stateOut: Record<TicketStatus, string> = { ...defaultStates, ...config.stateMap };
  const userMap = config.userMap ?? {};
  const resolution = new Set(['6', '7', '8', stateOut.resolved, stateOut.closed]);

  function hubStatus(state: string): TicketStatus | undefined {
    const explicit = ticketStatuses.find((hub) => config.stateMap?.[hub] === state);
    return explicit ?? inboundStates[state];
  }

  function hubUserOf(userName: string): string {
    return Object.keys(userMap).find((name) => userMap[name] === userName) ?? `${unmappedUserPrefix}${userName}`;
  }

  function userNameOf(value: JsonValue): string | null {
    if (value === null) return null;
    if (typeof value !== 'string') throw rejected('assignee', value, 'not a user name');
    const mapped = userMap[value];
    if (mapped !== undefined) return mapped;
    const unmapped = value.startsWith(unmappedUserPrefix) ? value.slice(unmappedUserPrefix.length) : '';
    if (unmapped === '') throw rejected('assignee', value, 'no ServiceNow user for them; add it to config.userMap');
    return unmapped;
  }

  function toServiceNow(changed: Partial<Record<FieldKey, JsonValue>>, ticketId: string): OutboundFields {
    const fields: Record<string, string> = {};
    const reported: Partial<Record<FieldKey, JsonValue>> = {};
    let assignee: string | null | undefined;
    for (const [field, value] of Object.entries(changed) as Array<[FieldKey, JsonValue]>) {
      switch (field) {
        case 'title':
          if (typeof value !== 'string' || value.trim() === '') throw rejected('title', value, 'must not be empty');
          if (value.length > maxShortDescription) {
            const why = `short descriptions hold at most ${maxShortDescription} characters`;
            throw rejected('title', `${value.slice(0, 40)}…`, why);
          }
          fields['short_description'] = value;
          break;
        case 'description':
          fields['description'] = typeof value === 'string' ? value : '';
          break;
        case 'status': {
          if (typeof value !== 'string' || !isTicketStatus(value)) throw rejected('status', value, 'not a hub status');
          const state = stateOut[value];
          fields['state'] = state;
          if (resolution.has(state)) {
            fields['close_code'] = config.closeCode;
            fields['close_notes'] = `${value === 'closed' ? 'Closed' : 'Resolved'} in Lockstep (ticket ${ticketId})`;
          } else {
            fields['close_code'] = '';
            fields['close_notes'] = '';
          }
          const back = hubStatus(state);
          if (back !== undefined && back !== value) reported.status = back;
          break;
        }
        case 'priority': {
          const pair = typeof value === 'string' ? impactUrgency[value as Priority] : undefined;
          if (!pair) throw rejected('priority', value, `not one of ${priorities.join(', ')}`);
          [fields['impact'], fields['urgency']] = pair;
          break;
        }
        case 'assignee':
          assignee = userNameOf(value);
          break;
        default:
          // labels, kind, privacy and custom fields have no place on a ServiceNow task: they stay in the hub.
          break;
      }
    }
    return { fields, reported, ...(assignee === undefined ? {} : { assignee }) };
  }

  function fromServiceNow(record: TableRecord): InboundFields {
    const fields: Partial<Record<FieldKey, JsonValue>> = {};
    const problems: FieldProblem[] = [];
    if (record.short_description !== undefined) fields.title = record.short_description.trim();
    if (record.description !== undefined) fields.description = record.description;
    if (record.state !== undefined) {
      const status = hubStatus(record.state);
      if (status) fields.status = status;
      else {
        const message = `state ${record.state} has no hub status; add it to config.stateMap`;
        problems.push({ field: 'status', value: record.state, message });
      }
    }
    if (record.priority !== undefined) {
      const priority = /^[1-5]$/.test(record.priority) ? priorities[Number(record.priority) - 1] : undefined;
      if (priority) fields.priority = priority;
      else {
        const message = `priority ${JSON.stringify(record.priority)} is not 1..5`;
        problems.push({ field: 'priority', value: record.priority, message });
      }
    }
    if (record.assigned_to !== undefined) {
      const userName = record['assigned_to.user_name'] ?? '';
      if (record.assigned_to === '') fields.assignee = null;
      else if (userName !== '') fields.assignee = hubUserOf(userName);
      else {
        const message = `assigned_to ${record.assigned_to} names no user with a user_name`;
        problems.push({ field: 'assignee', value: record.assigned_to, message });
      }
    }
    return { fields, problems };
  }

  return { toServiceNow, fromServiceNow, hubStatus };
}
