// The simulated instance's data: one task table (incident by default) with ServiceNow's own
// bookkeeping (sys_id, number, sys_mod_count +1 per update that changes something, sys_updated_on
// in UTC seconds, priority computed from impact and urgency), the comments and work notes journal
// (sys_journal_field, written through the record's `comments` / `work_notes` fields), and the
// users and groups references point to. Every change is handed to `onChange` (the business rules).

import { randomBytes } from 'node:crypto';
import { priorityOf } from './priority.ts';
import type { Row } from './query.ts';

/** What a business rule sees after a change. */
export type SimChange =
  | { readonly kind: 'record'; readonly operation: 'insert' | 'update' | 'delete'; readonly record: Row }
  | { readonly kind: 'journal'; readonly operation: 'insert' | 'update' | 'delete'; readonly entry: Row };

/** A write ServiceNow refuses (data policy, bad reference): the HTTP status and message. */
export class SimRefusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const journalFields = new Set(['comments', 'work_notes']);
const resolvedStates = new Set(['6', '7']);

/** A new sys_id: 32 lower-case hex digits. */
export function newSysId(): string {
  return randomBytes(16).toString('hex');
}

/** `ms` as a stored (UTC) date-time. */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The instance's rows, by table. */
export class SimStore {
  readonly table: string;
  readonly records = new Map<string, Record<string, string>>();
  readonly journal = new Map<string, Record<string, string>>();
  readonly users = new Map<string, Record<string, string>>();
  readonly groups = new Map<string, Record<string, string>>();
  /** When each record last changed, to the millisecond (`sys_updated_on` shows only seconds; the bench times edits by it). */
  readonly changedMs = new Map<string, number>();
  private nextNumber = 10001;
  private readonly onChange: (change: SimChange) => void;
  /** The clock stamping sys_updated_on (tests may move it). */
  now: () => number = () => Date.now();

  constructor(table: string, onChange: (change: SimChange) => void) {
    this.table = table;
    this.onChange = onChange;
  }

  addUser(userName: string, name: string): string {
    const sysId = newSysId();
    this.users.set(sysId, { sys_id: sysId, user_name: userName, name });
    return sysId;
  }

  addGroup(name: string): string {
    const sysId = newSysId();
    this.groups.set(sysId, { sys_id: sysId, name });
    return sysId;
  }

  /** Rows of a table the API serves, or undefined for a table the instance does not have. */
  rows(table: string): Map<string, Record<string, string>> | undefined {
    if (table === this.table) return this.records;
    const others: Record<string, Map<string, Record<string, string>>> = {
      sys_journal_field: this.journal,
      sys_user: this.users,
      sys_user_group: this.groups,
    };
    return others[table];
  }

  /** Inserts a record as `by`; `notify` false skips the business rules (seeding). */
  insert(values: Readonly<Record<string, string>>, by: string, notify = true): Row {
    const nowMs = this.now();
    const at = stamp(nowMs);
    const sysId = newSysId();
    const record: Record<string, string> = {
      sys_id: sysId, number: `INC${String(this.nextNumber++).padStart(7, '0')}`,
      short_description: '', description: '', state: '1',
      impact: '3', urgency: '3', priority: '5', assigned_to: '', assignment_group: '', close_code: '', close_notes: '',
      correlation_id: '', correlation_display: '', comments: '', work_notes: '', sys_created_on: at, sys_created_by: by,
      sys_updated_on: at, sys_updated_by: by, sys_mod_count: '0', sys_class_name: this.table,
    };
    const journalled = this.assign(record, values);
    this.records.set(sysId, record);
    this.changedMs.set(sysId, nowMs);
    if (notify) this.onChange({ kind: 'record', operation: 'insert', record: { ...record } });
    for (const [element, value] of journalled) this.addJournal(record, element, value, by, notify);
    return { ...record };
  }

  /** Updates record `sysId` as `by`; nothing changes (no count, no rule) when no value differs. */
  update(sysId: string, values: Readonly<Record<string, string>>, by: string): Row | undefined {
    const record = this.records.get(sysId);
    if (!record) return undefined;
    // Worked on a copy: a refused write (data policy) leaves the record as it was.
    const next = { ...record };
    const journalled = this.assign(next, values);
    if (JSON.stringify(next) === JSON.stringify(record) && journalled.length === 0) return { ...record };
    Object.assign(record, next);
    record['sys_mod_count'] = String(Number(record['sys_mod_count']) + 1);
    const nowMs = this.now();
    record['sys_updated_on'] = stamp(nowMs);
    record['sys_updated_by'] = by;
    this.changedMs.set(sysId, nowMs);
    this.onChange({ kind: 'record', operation: 'update', record: { ...record } });
    for (const [element, value] of journalled) this.addJournal(record, element, value, by, true);
    return { ...record };
  }

  delete(sysId: string): boolean {
    const record = this.records.get(sysId);
    if (!record) return false;
    this.records.delete(sysId);
    this.changedMs.delete(sysId);
    this.onChange({ kind: 'record', operation: 'delete', record: { ...record } });
    return true;
  }

  /** Changes or deletes (value undefined) a journal entry, as an admin can. */
  writeJournal(sysId: string, value: string | undefined): Row | undefined {
    const entry = this.journal.get(sysId);
    if (!entry) return undefined;
    if (value === undefined) this.journal.delete(sysId);
    else entry['value'] = value;
    this.onChange({ kind: 'journal', operation: value === undefined ? 'delete' : 'update', entry: { ...entry } });
    return { ...entry };
  }

  private addJournal(record: Row, element: string, value: string, by: string, notify: boolean): void {
    const sysId = newSysId();
    const entry = {
      sys_id: sysId,
      element_id: record['sys_id'] ?? '',
      name: this.table,
      element,
      value,
      sys_created_on: record['sys_updated_on'] ?? '',
      sys_created_by: by,
      sys_tags: '',
    };
    this.journal.set(sysId, entry);
    if (notify) this.onChange({ kind: 'journal', operation: 'insert', entry: { ...entry } });
  }

  /** Applies `values` to `record` as ServiceNow would; returns the journal entries to add. */
  private assign(record: Record<string, string>, values: Readonly<Record<string, string>>): Array<[string, string]> {
    const journalled: Array<[string, string]> = [];
    for (const [field, value] of Object.entries(values)) {
      if (journalFields.has(field)) {
        if (value.trim() !== '') journalled.push([field, value]);
      } else if (field === 'assigned_to' && value !== '' && !this.users.has(value)) {
        throw new SimRefusal(400, `Invalid reference: no sys_user ${value}`);
      } else if (field in record && !field.startsWith('sys_') && field !== 'number' && field !== 'priority') {
        record[field] = value;
      }
    }
    record['priority'] = priorityOf(record['impact'] ?? '', record['urgency'] ?? '');
    if (resolvedStates.has(record['state'] ?? '') && (record['close_code'] === '' || record['close_notes'] === '')) {
      const mandatory = 'Resolution code, Resolution notes';
      throw new SimRefusal(403, `Data Policy Exception: The following fields are mandatory: ${mandatory}`);
    }
    return journalled;
  }
}
