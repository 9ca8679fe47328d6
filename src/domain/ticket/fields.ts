// The ticket's fields, their value sets and the rules each value must meet. Every write path
// (create, edit, conflict resolution, external change) normalises through `normaliseField`, so a
// value stored in a register is always valid and in canonical form (labels sorted, text trimmed),
// which is what makes structural equality mean "same value".

import { InvalidTicketInput } from '../errors.ts';
import { isJsonValue, type JsonValue } from '../json.ts';
import { toSortedSet } from '../merge/three-way.ts';

/** Ticket kinds (GraphQL upper-cases them). */
export const ticketKinds = ['ticket', 'incident', 'alert_group'] as const;
export type TicketKind = (typeof ticketKinds)[number];

/** Ticket statuses. */
export const ticketStatuses = ['open', 'acknowledged', 'in_progress', 'blocked', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

/** Priorities, p1 the most urgent. */
export const priorities = ['p1', 'p2', 'p3', 'p4', 'p5'] as const;
export type Priority = (typeof priorities)[number];

/** How far a ticket may travel: never, to projects that allow it, or anywhere. */
export const privacyLevels = ['local_only', 'shareable', 'public'] as const;
export type Privacy = (typeof privacyLevels)[number];

/** The fields mirrored into external tools (names are part of the public contract). */
export const mirroredFields = ['title', 'description', 'status', 'priority', 'assignee', 'labels'] as const;
export type MirroredField = (typeof mirroredFields)[number];

/** Every built-in versioned field: the mirrored ones plus hub-only privacy and kind. */
export const ticketFields = [...mirroredFields, 'privacy', 'kind'] as const;
export type TicketField = (typeof ticketFields)[number];

/** A custom field's register key. */
export type CustomFieldKey = `customFields.${string}`;

/** Any versioned field of a ticket. */
export type FieldKey = TicketField | CustomFieldKey;

/** The values of a ticket, as stored in its plain properties. */
export interface TicketValues {
  kind: TicketKind;
  privacy: Privacy;
  title: string;
  description: string;
  status: TicketStatus;
  priority: Priority;
  assignee: string | null;
  labels: string[];
  customFields: Record<string, JsonValue>;
}

/** Input of Ticket.create: a title, everything else defaulted. */
export type TicketInput = Partial<TicketValues> & { title: string };

/** Input of Ticket.edit: any subset; customFields entries are set one by one. */
export type TicketPatch = Partial<TicketValues>;

/** Defaults of a new ticket. */
export const ticketDefaults: Omit<TicketValues, 'title'> = {
  kind: 'ticket',
  privacy: 'shareable',
  description: '',
  status: 'open',
  priority: 'p3',
  assignee: null,
  labels: [],
  customFields: {},
};

const maxTitle = 500;
const maxDescription = 100_000;
const maxLabel = 100;
/** Most labels one ticket holds. */
export const maxLabels = 100;

/** The register key of custom field `name`. */
export function customFieldKey(name: string): CustomFieldKey {
  return `customFields.${name}`;
}

/** The custom field name of a key, or undefined for built-in fields. */
export function customFieldName(field: FieldKey): string | undefined {
  return field.startsWith('customFields.') ? field.slice('customFields.'.length) : undefined;
}

/** True when `field` names a versioned field. */
export function isFieldKey(field: string): field is FieldKey {
  return (ticketFields as readonly string[]).includes(field) || (field.startsWith('customFields.') && field.length > 13);
}

function oneOf<T extends string>(field: string, allowed: readonly T[], value: unknown): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidTicketInput(field, `must be one of ${allowed.join(', ')}`);
}

/** PostgreSQL's jsonb refuses half of a UTF-16 surrogate pair (`\ud800` alone), as it refuses NUL. */
const loneSurrogate = 'must not contain a lone surrogate (half of a UTF-16 pair, e.g. \\ud800)';

function text(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string') throw new InvalidTicketInput(field, 'must be a string');
  if (value.length > max) throw new InvalidTicketInput(field, `must be at most ${max} characters`);
  if (value.includes('\u0000')) throw new InvalidTicketInput(field, 'must not contain a NUL character (\\u0000)');
  if (!value.isWellFormed()) throw new InvalidTicketInput(field, loneSurrogate);
  return value;
}

/** `value` validated and put in canonical form for `field`; throws InvalidTicketInput. */
export function normaliseField(field: FieldKey, value: unknown): JsonValue {
  switch (field) {
    case 'title': {
      const title = text(field, value, Infinity).trim();
      if (title.length === 0) throw new InvalidTicketInput(field, 'must not be empty');
      if (title.length > maxTitle) throw new InvalidTicketInput(field, `must be at most ${maxTitle} characters`);
      return title;
    }
    case 'description':
      return text(field, value, maxDescription);
    case 'status':
      return oneOf(field, ticketStatuses, value);
    case 'priority':
      return oneOf(field, priorities, value);
    case 'privacy':
      return oneOf(field, privacyLevels, value);
    case 'kind':
      return oneOf(field, ticketKinds, value);
    case 'assignee': {
      if (value === null) return null;
      const assignee = text(field, value, maxLabel).trim();
      return assignee.length === 0 ? null : assignee;
    }
    case 'labels': {
      if (!Array.isArray(value)) throw new InvalidTicketInput(field, 'must be a list of strings');
      if (value.length > maxLabels) throw new InvalidTicketInput(field, `at most ${maxLabels} labels (got ${value.length})`);
      const labels = value.map((label: unknown) => text(field, label, Infinity).trim());
      if (labels.some((l) => l.length === 0)) throw new InvalidTicketInput(field, 'labels must not be empty');
      if (labels.some((l) => l.length > maxLabel)) throw new InvalidTicketInput(field, `labels must be at most ${maxLabel} characters`);
      return toSortedSet(labels);
    }
    default: {
      field satisfies CustomFieldKey;
      const name = customFieldName(field) ?? '';
      if (name.trim().length === 0 || name.length > maxLabel) throw new InvalidTicketInput(field, 'custom field name must be 1-100 characters');
      if (!isJsonValue(value)) throw new InvalidTicketInput(field, 'must be a JSON value');
      return structuredClone(value);
    }
  }
}

/** The (field, canonical value) pairs a patch or input sets, validated all at once. */
export function normalisePatch(patch: TicketPatch): Array<[FieldKey, JsonValue]> {
  const out: Array<[FieldKey, JsonValue]> = [];
  for (const field of ticketFields) {
    if (patch[field] !== undefined) out.push([field, normaliseField(field, patch[field])]);
  }
  const custom: unknown = patch.customFields;
  if (custom !== undefined) {
    if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) {
      throw new InvalidTicketInput('customFields', 'must be an object');
    }
    for (const [name, value] of Object.entries(custom)) {
      const key = customFieldKey(name);
      out.push([key, normaliseField(key, value)]);
    }
  }
  return out;
}
