// The root fields of Linear's API the simulator answers: the queries and mutations the connector
// uses (viewer, teams/team, workflowStates, issueLabels, users, issues/issue, comments/comment,
// issueCreate/issueUpdate with a client-chosen id, issueLabelCreate, commentCreate with a chosen
// id, commentUpdate, commentDelete). Inputs are checked the way Linear checks them (ids in UUID
// v4 format, known states, labels and users, priorities 0-4); other root fields answer an error.

import { linearError, matches, notFound, on, onDate, type SimObjects } from './objects.ts';
import type { IssueWrite, LinearStore, SimComment, SimIssue, SimLabel, SimState, SimUser } from './store.ts';

type Args = Record<string, unknown>;
type Input = Record<string, unknown>;

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Key that sorts issues newest `updatedAt` first (Linear's `orderBy: updatedAt`), ties by id. */
function updatedKey(issue: SimIssue): string {
  return `${String(9e15 - issue.updatedAt).padStart(16, '0')}|${issue.id}`;
}

function createdKey(issue: SimIssue): string {
  return `${String(9e15 - issue.createdAt).padStart(16, '0')}|${issue.id}`;
}

/** The root value (queries and mutations) over `store`, acting as `actorId`. */
export function createRootValue(
  store: LinearStore,
  objects: SimObjects,
  actorId: () => string,
): Record<string, unknown> {
  const invalid = (why: string) => linearError('Argument Validation Error', { userMessage: why });
  const findIssue = (id: unknown): SimIssue => {
    const key = String(id);
    const byIdentifier = () => [...store.issues.values()].find((i) => store.identifier(i) === key.toUpperCase());
    const issue = store.issues.get(key) ?? byIdentifier();
    if (!issue) throw notFound('Issue');
    return issue;
  };
  const findComment = (id: unknown) => {
    const comment = store.comments.get(String(id));
    if (!comment) throw notFound('Comment');
    return comment;
  };

  function checkedWrite(input: Input): IssueWrite {
    const write: { -readonly [K in keyof IssueWrite]: IssueWrite[K] } = {};
    if (input['title'] !== undefined) {
      const title = input['title'];
      if (typeof title !== 'string' || title.trim() === '') throw invalid('title should not be empty');
      write.title = title;
    }
    if (input['description'] !== undefined) write.description = input['description'] as string | null;
    if (input['priority'] !== undefined && input['priority'] !== null) {
      const priority = input['priority'] as number;
      const known = Number.isInteger(priority) && priority >= 0 && priority <= 4;
      if (!known) throw invalid('priority must be between 0 and 4');
      write.priority = priority;
    }
    if (input['stateId'] !== undefined) {
      if (!store.state(String(input['stateId']))) throw notFound('WorkflowState');
      write.stateId = String(input['stateId']);
    }
    if (input['labelIds'] !== undefined) {
      const ids = input['labelIds'] as string[];
      if (ids.some((id) => !store.label(id))) throw notFound('IssueLabel');
      write.labelIds = [...new Set(ids)];
    }
    if (input['assigneeId'] !== undefined) {
      const id = input['assigneeId'] as string | null;
      if (id !== null && !store.user(id)) throw notFound('User');
      write.assigneeId = id;
    }
    return write;
  }

  function chosenId(input: Input, taken: (id: string) => boolean): string | undefined {
    const id = input['id'];
    if (id === undefined || id === null) return undefined;
    if (typeof id !== 'string' || !uuidV4.test(id)) throw invalid('id must be a UUID v4');
    if (taken(id)) {
      throw linearError('Entity already exists', { userMessage: `An entity with id ${id} already exists.` });
    }
    return id;
  }

  const issueFilter = (issue: SimIssue, filter: unknown) =>
    matches(filter, {
      id: on(issue.id),
      team: objects.teamFilter,
      updatedAt: onDate(issue.updatedAt),
      createdAt: onDate(issue.createdAt),
      title: on(issue.title),
      number: on(issue.number),
    });

  /**
   * The last `issues` listing, filtered and sorted, kept while nothing changes: an import pages a
   * whole team through one filter, which Linear answers from an index, not by scanning every issue
   * for every page.
   */
  let listing: { readonly question: string; readonly asOf: number; readonly issues: SimIssue[]; readonly keys: Map<SimIssue, string> } | undefined;

  function list(args: Args, question: string): NonNullable<typeof listing> {
    const key = args['orderBy'] === 'updatedAt' ? updatedKey : createdKey;
    const keys = new Map<SimIssue, string>();
    for (const issue of store.issues.values()) if (issueFilter(issue, args['filter'])) keys.set(issue, key(issue));
    const issues = [...keys.keys()].sort((a, b) => ((keys.get(a) ?? '') < (keys.get(b) ?? '') ? -1 : 1));
    return { question, asOf: store.lastChangeMs, issues, keys };
  }

  return {
    viewer: () => objects.user(store.user(store.viewerId) as NonNullable<ReturnType<LinearStore['user']>>),
    teams: (args: Args) => {
      const team = store.team;
      const teams = matches(args['filter'], { id: on(team.id), key: on(team.key), name: on(team.name) }) ? [team] : [];
      return objects.connectionOf(teams, args, (t) => t.id, () => objects.team());
    },
    team: (args: Args) => {
      if (args['id'] !== store.team.id && String(args['id']).toUpperCase() !== store.team.key) throw notFound('Team');
      return objects.team();
    },
    workflowStates: (args: Args) => {
      const test = (s: SimState) => ({ team: objects.teamFilter, name: on(s.name), type: on(s.type), id: on(s.id) });
      const found = store.states.filter((s) => matches(args['filter'], test(s)));
      return objects.connectionOf(found, args, (s) => String(s.position).padStart(6, '0'), objects.state);
    },
    issueLabels: (args: Args) => {
      const test = (l: SimLabel) => ({ team: objects.teamFilter, name: on(l.name), id: on(l.id) });
      const found = store.labels.filter((l) => matches(args['filter'], test(l)));
      return objects.connectionOf(found, args, (l) => l.id, objects.label);
    },
    users: (args: Args) => {
      // Emails compare regardless of case, as Linear's do.
      const email = (u: SimUser) => (c: Record<string, unknown>, p: string) => on(u.email.toLowerCase())(lowered(c), p);
      const test = (u: SimUser) => ({ email: email(u), id: on(u.id), name: on(u.name) });
      const found = store.users.filter((u) => matches(args['filter'], test(u)));
      return objects.connectionOf(found, args, (u) => u.id, objects.user);
    },
    issues: (args: Args) => {
      const question = JSON.stringify([args['orderBy'] ?? null, args['filter'] ?? null]);
      if (listing?.question !== question || listing.asOf !== store.lastChangeMs) listing = list(args, question);
      const { keys } = listing;
      return objects.connectionOf(listing.issues, args, (issue) => keys.get(issue) ?? '', objects.issue);
    },
    issue: (args: Args) => objects.issue(findIssue(args['id'])),
    comments: (args: Args) => {
      const test = (c: SimComment) => ({
        id: on(c.id),
        issue: (cmp: Input, p: string) => matches(cmp, { id: on(c.issueId) }, p),
      });
      const found = [...store.comments.values()].filter((c) => matches(args['filter'], test(c)));
      return objects.connectionOf(found, args, (c) => `${c.createdAt}|${c.id}`, objects.comment);
    },
    comment: (args: Args) => objects.comment(findComment(args['id'])),

    issueCreate: (args: Args) => {
      const input = args['input'] as Input;
      if (input['teamId'] !== store.team.id) throw notFound('Team');
      if (typeof input['title'] !== 'string') throw invalid('title must be a string');
      const id = chosenId(input, (candidate) => store.issues.has(candidate));
      const write = checkedWrite(input);
      const issue = store.createIssue({ ...write, title: input['title'], ...(id ? { id } : {}) }, actorId());
      return { success: true, lastSyncId: issue.updatedAt, issue: () => objects.issue(issue) };
    },
    issueUpdate: (args: Args) => {
      const issue = findIssue(args['id']);
      store.updateIssue(issue, checkedWrite(args['input'] as Input), actorId());
      return { success: true, lastSyncId: issue.updatedAt, issue: () => objects.issue(issue) };
    },
    issueLabelCreate: (args: Args) => {
      const input = args['input'] as Input;
      const name = String(input['name'] ?? '').trim();
      if (name === '') throw invalid('name should not be empty');
      if (input['teamId'] !== undefined && input['teamId'] !== store.team.id) throw notFound('Team');
      if (store.labels.some((l) => l.name.toLowerCase() === name.toLowerCase())) {
        throw linearError('duplicate label name', { userMessage: `A label named "${name}" already exists.` });
      }
      const id = chosenId(input, (candidate) => store.labels.some((l) => l.id === candidate));
      const label = store.addLabel(name, id);
      return { success: true, lastSyncId: store.tick(), issueLabel: () => objects.label(label) };
    },
    commentCreate: (args: Args) => {
      const input = args['input'] as Input;
      const issue = findIssue(input['issueId']);
      if (typeof input['body'] !== 'string' || input['body'].trim() === '') throw invalid('body should not be empty');
      const id = chosenId(input, (candidate) => store.comments.has(candidate));
      const comment = store.createComment({ issueId: issue.id, body: input['body'], ...(id ? { id } : {}) }, actorId());
      return { success: true, lastSyncId: comment.updatedAt, comment: () => objects.comment(comment) };
    },
    commentUpdate: (args: Args) => {
      const comment = findComment(args['id']);
      const body = (args['input'] as Input)['body'];
      if (typeof body === 'string') store.updateComment(comment, body, actorId());
      return { success: true, lastSyncId: comment.updatedAt, comment: () => objects.comment(comment) };
    },
    commentDelete: (args: Args) => {
      const comment = findComment(args['id']);
      store.deleteComment(comment, actorId());
      return { success: true, lastSyncId: comment.updatedAt, entityId: comment.id };
    },
  };
}

function lowered(comparator: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(comparator).map(([op, v]) => [
      op === 'eqIgnoreCase' ? 'eq' : op,
      typeof v === 'string' ? v.toLowerCase() : v,
    ]),
  );
}
