// Moving an issue to the Jira status a hub status maps to. Jira only moves through the workflow's
// transitions, and its API lists only those available from the current status, so the
// planner works on the part of the workflow it has seen: a breadth-first search over known
// transitions for the best-ranked reachable status (shortest path on ties); when none is known yet,
// it steps to the nearest status whose transitions it has not seen, and looks again. Every status
// it passes through on the way is reported back, because Jira fires a webhook for each hop and
// those reports are echoes of our own write, never a person moving the ticket back.

import { ExternalCallError } from '#domain/project/connector.ts';
import type { JiraStatus } from './mapping.ts';

/** A transition as the planner needs it. */
export interface Transition {
  readonly id: string;
  readonly to: JiraStatus;
}

/** Transitions seen from each status (by lower-cased name), shared by the walks of one session. */
export type WorkflowKnowledge = Map<string, readonly Transition[]>;

/** What to do next from `from`. */
export type StatusStep =
  | { readonly kind: 'arrived' }
  | { readonly kind: 'hop'; readonly transition: Transition }
  | { readonly kind: 'explore'; readonly transition: Transition }
  | { readonly kind: 'stuck' };

/** The I/O a walk needs. */
export interface StatusMover {
  /** The transitions available from the current status. */
  available(): Promise<readonly Transition[]>;
  /** Performs one transition. */
  perform(transition: Transition): Promise<void>;
}

/** A walk's result: the statuses passed through (the last is where it stopped). */
export interface StatusWalk {
  readonly walked: readonly JiraStatus[];
  readonly transitions: number;
}

const maxHops = 10;

function keyOf(status: JiraStatus): string {
  return status.name.trim().toLowerCase();
}

/** The next step from `from` towards the best status by `rank` (lower is better; undefined: not a goal). */
export function planStatusStep(known: WorkflowKnowledge, from: JiraStatus, rank: (status: JiraStatus) => number | undefined, visited: ReadonlySet<string> = new Set()): StatusStep {
  const firstHop = new Map<string, Transition | undefined>([[keyOf(from), undefined]]);
  const queue: JiraStatus[] = [from];
  let best: { rank: number; hop: Transition | undefined } | undefined;
  let unexplored: Transition | undefined;
  while (queue.length > 0) {
    const status = queue.shift() as JiraStatus;
    const hop = firstHop.get(keyOf(status));
    const score = rank(status);
    // Breadth-first, so the first status of a rank is the nearest one with it.
    if (score !== undefined && (best === undefined || score < best.rank)) best = { rank: score, hop };
    const edges = known.get(keyOf(status));
    if (edges === undefined) {
      if (hop !== undefined && unexplored === undefined && !visited.has(keyOf(status))) unexplored = hop;
      continue;
    }
    for (const edge of edges) {
      if (firstHop.has(keyOf(edge.to))) continue;
      firstHop.set(keyOf(edge.to), hop ?? edge);
      queue.push(edge.to);
    }
  }
  if (best !== undefined) return best.hop === undefined ? { kind: 'arrived' } : { kind: 'hop', transition: best.hop };
  return unexplored === undefined ? { kind: 'stuck' } : { kind: 'explore', transition: unexplored };
}

/**
 * Walks the issue from `start` to the best status by `rank`, learning transitions into `known` as
 * it goes; throws 'rejected' when the workflow offers no way there.
 */
export async function walkToStatus(mover: StatusMover, start: JiraStatus, rank: (status: JiraStatus) => number | undefined, known: WorkflowKnowledge, describeGoal: string): Promise<StatusWalk> {
  const walked: JiraStatus[] = [];
  const visited = new Set<string>([keyOf(start)]);
  const refreshed = new Set<string>();
  let current = start;
  let transitions = 0;
  if (rank(current) === 0) return { walked, transitions };
  for (let hop = 0; hop < maxHops; hop += 1) {
    if (!known.has(keyOf(current))) known.set(keyOf(current), await mover.available());
    const step = planStatusStep(known, current, rank, visited);
    if (step.kind === 'arrived') return { walked, transitions };
    if (step.kind === 'stuck') break;
    try {
      await mover.perform(step.transition);
    } catch (error) {
      // A transition we remembered may be gone (workflow edited, condition failed): look again once.
      if (!(error instanceof ExternalCallError) || error.kind !== 'rejected' || refreshed.has(keyOf(current))) throw error;
      refreshed.add(keyOf(current));
      known.delete(keyOf(current));
      continue;
    }
    transitions += 1;
    current = step.transition.to;
    visited.add(keyOf(current));
    walked.push(current);
    if (rank(current) === 0) return { walked, transitions };
  }
  if (rank(current) !== undefined) return { walked, transitions };
  throw new ExternalCallError('rejected', `status: no transition path in the Jira workflow from "${start.name}" to ${describeGoal}`);
}
