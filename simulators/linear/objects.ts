// How the Linear simulator's store looks through GraphQL: plain objects whose properties (or
// argument-taking methods, which graphql-js calls with the field's arguments) answer the fields of
// Linear's types, Relay connections with opaque cursors, and the filter subset the connector's
// queries use. A filter key the simulator does not know is an error, never silently ignored.

import { GraphQLError } from 'graphql';
import type { LinearStore, SimComment, SimIssue, SimLabel, SimState, SimUser } from './store.ts';

/** A GraphQL error shaped as Linear shapes them (`extensions.type`, `code`, `userPresentableMessage`). */
export function linearError(
  message: string,
  options: { type?: string; code?: string; userMessage?: string } = {},
): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      type: options.type ?? 'invalid input',
      code: options.code ?? 'INVALID_INPUT',
      userError: true,
      userPresentableMessage: options.userMessage ?? message,
    },
  });
}

/** Linear's answer to an id that names nothing. */
export function notFound(entity: string): GraphQLError {
  return linearError(`Entity not found: ${entity}`, { userMessage: `Could not find referenced ${entity}.` });
}

type Args = Record<string, unknown>;
type Comparator = Record<string, unknown>;
/** Whether an entity's field passes the comparator found at `path` of a filter. */
type FieldTest = (comparator: Comparator, path: string) => boolean;

/** Whether `value` satisfies a Linear comparator (eq, neq, in, nin, gt, gte, lt, lte, null, eqIgnoreCase). */
function compare(value: unknown, comparator: Comparator, path: string): boolean {
  for (const [op, operand] of Object.entries(comparator)) {
    if (operand === undefined) continue;
    const ok = (() => {
      switch (op) {
        case 'eq': return value === operand;
        case 'neq': return value !== operand;
        case 'eqIgnoreCase': return String(value).toLowerCase() === String(operand).toLowerCase();
        case 'in': return Array.isArray(operand) && operand.includes(value);
        case 'nin': return Array.isArray(operand) && !operand.includes(value);
        case 'null': return (value === null || value === undefined) === operand;
        case 'gt': case 'gte': case 'lt': case 'lte': {
          const a = typeof value === 'number' ? value : Date.parse(String(value));
          const b = typeof operand === 'number' ? operand : Date.parse(String(operand));
          if (Number.isNaN(b)) throw linearError(`${path}.${op}: not a date or number`);
          return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
        }
        default: throw linearError(`${path}.${op}: comparator not supported by the simulator`);
      }
    })();
    if (!ok) return false;
  }
  return true;
}

/** Whether `entity` passes `filter`, reading each known key with `fields`. */
export function matches(filter: unknown, fields: Record<string, FieldTest>, path = 'filter'): boolean {
  if (filter === undefined || filter === null) return true;
  for (const [key, value] of Object.entries(filter as Args)) {
    if (value === undefined || value === null) continue;
    const read = fields[key];
    if (!read) throw linearError(`${path}.${key}: filter not supported by the simulator`);
    if (!read(value as Comparator, `${path}.${key}`)) return false;
  }
  return true;
}

/** A comparator reader for a plain value. */
export const on = (value: unknown) => (comparator: Comparator, path: string) => compare(value, comparator, path);

/** A Relay connection over `items` (already in order), paged with `first`/`after`. */
export function connection<T>(
  items: readonly T[],
  args: Args,
  keyOf: (item: T) => string,
  toObject: (item: T) => object,
): object {
  const first = (args['first'] as number | undefined) ?? 50;
  if (first < 0 || first > 250) throw linearError('first: must be between 0 and 250');
  let start = 0;
  const after = args['after'] as string | undefined;
  if (after) {
    const key = Buffer.from(after, 'base64url').toString('utf8');
    const index = items.findIndex((item) => keyOf(item) === key);
    // A cursor whose item moved or went: continue after the items that sort before it.
    start = index >= 0 ? index + 1 : items.findIndex((item) => keyOf(item) > key);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + first);
  const cursor = (item: T) => Buffer.from(keyOf(item), 'utf8').toString('base64url');
  const nodes = page.map(toObject);
  return {
    nodes,
    edges: page.map((item, i) => ({ node: nodes[i], cursor: cursor(item) })),
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: page[0] === undefined ? null : cursor(page[0]),
      endCursor: page.at(-1) === undefined ? null : cursor(page.at(-1) as T),
    },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Comparators that compare the ISO text Linear shows rather than the instant. */
const textual = new Set(['eq', 'neq', 'in', 'nin', 'eqIgnoreCase']);

/**
 * A comparator reader for an instant (epoch ms): ordering compares the number, equality the ISO
 * text, and the text is built only when a comparator needs it (an import filters every issue).
 */
export const onDate = (ms: number) => (comparator: Comparator, path: string) =>
  compare(Object.keys(comparator).some((op) => textual.has(op)) ? iso(ms) : ms, comparator, path);

/** GraphQL views of the store's entities. */
export function createObjects(store: LinearStore) {
  const team = () => ({
    id: store.team.id,
    key: store.team.key,
    name: store.team.name,
    states: (args: Args) => {
      const found = store.states.filter((s) => matches(args['filter'], { name: on(s.name), type: on(s.type) }));
      return connection(found, args, (s) => String(s.position).padStart(6, '0'), state);
    },
    labels: (args: Args) => {
      const found = store.labels.filter((l) => matches(args['filter'], { name: on(l.name) }));
      return connection(found, args, (l) => l.id, label);
    },
    members: (args: Args) => connection(store.users, args, (u) => u.id, user),
  });
  const state = (s: SimState) => ({ ...s, team });
  const label = (l: SimLabel) => ({ ...l, isGroup: false, team: l.teamId === null ? null : team });
  const user = (u: SimUser) => ({ ...u, displayName: u.name.split(' ')[0], active: true, admin: false });

  const issue = (i: SimIssue) => ({
    id: i.id,
    number: i.number,
    identifier: store.identifier(i),
    url: store.issueUrl(i),
    title: i.title,
    description: i.description,
    priority: i.priority,
    priorityLabel: ['No priority', 'Urgent', 'High', 'Medium', 'Low'][i.priority],
    createdAt: iso(i.createdAt),
    updatedAt: iso(i.updatedAt),
    state: () => state(store.state(i.stateId) as SimState),
    team,
    assignee: () => {
      const found = store.user(i.assigneeId);
      return found ? user(found) : null;
    },
    labels: (args: Args) => {
      const found = i.labelIds.map((id) => store.label(id)).filter((l) => l !== undefined);
      return connection(found, args, (l) => l.id, label);
    },
    comments: (args: Args) => {
      const found = [...store.comments.values()].filter((c) => c.issueId === i.id);
      return connection(found, args, (c) => `${iso(c.createdAt)}|${c.id}`, comment);
    },
  });

  const comment = (c: SimComment) => ({
    id: c.id,
    body: c.body,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    editedAt: c.editedAt === null ? null : iso(c.editedAt),
    user: () => {
      const found = store.user(c.userId);
      return found ? user(found) : null;
    },
    issue: () => {
      const found = store.issues.get(c.issueId);
      return found ? issue(found) : null;
    },
  });

  const teamFilter = (comparator: Comparator, path: string) =>
    matches(comparator, { id: on(store.team.id), key: on(store.team.key), name: on(store.team.name) }, path);

  return { team, state, label, user, issue, comment, teamFilter, connectionOf: connection };
}

export type SimObjects = ReturnType<typeof createObjects>;
