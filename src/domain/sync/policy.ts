// What a connected project allows: which way changes flow, which fields are mapped, how far
// private tickets may travel, which strategy settles concurrent changes per field, and how its
// external ordering keys compare. The ExternalProject aggregate (infra-persisted) hands one of
// these to the sync functions, which stay free of I/O.

import type { ConflictStrategy } from '../conflict/conflict.ts';
import type { FieldKey, Privacy } from '../ticket/fields.ts';

/** Directions a project syncs in. */
export const syncDirections = ['push', 'pull', 'bidirectional', 'disabled'] as const;
export type SyncDirection = (typeof syncDirections)[number];

/** An external ordering key: a changelog id, a sequence number, an ISO updated_at. */
export type OrderingKey = string | number;

/** Orders two keys of the same project; negative when `a` is older. */
export type KeyComparator = (a: OrderingKey, b: OrderingKey) => number;

/** The sync rules of one connected project. */
export interface ProjectPolicy {
  /** The project id; it is also the replica id of that side in version vectors. */
  readonly projectId: string;
  readonly direction: SyncDirection;
  /** Whether `shareable` tickets may go to this project (`public` always may, `local_only` never). */
  readonly allowsShareable: boolean;
  /** The ticket fields mirrored to this project. */
  readonly mappedFields: readonly FieldKey[];
  readonly defaultStrategy: ConflictStrategy;
  readonly fieldStrategies: Readonly<Partial<Record<FieldKey, ConflictStrategy>>>;
  /** How this project's ordering keys compare; defaults to `compareOrderingKeys`. */
  readonly compareKeys?: KeyComparator;
}

/** Numbers numerically, strings lexicographically (ISO-8601 timestamps sort this way). */
export function compareOrderingKeys(a: OrderingKey, b: OrderingKey): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The strategy for concurrent changes of `field` with this project. */
export function strategyFor(policy: ProjectPolicy, field: FieldKey): ConflictStrategy {
  return policy.fieldStrategies[field] ?? policy.defaultStrategy;
}

/** True when hub changes flow out to the project. */
export function allowsPush(direction: SyncDirection): boolean {
  switch (direction) {
    case 'push':
    case 'bidirectional':
      return true;
    case 'pull':
    case 'disabled':
      return false;
    default:
      return direction satisfies never;
  }
}

/** True when the project's changes flow into the hub. */
export function allowsPull(direction: SyncDirection): boolean {
  switch (direction) {
    case 'pull':
    case 'bidirectional':
      return true;
    case 'push':
    case 'disabled':
      return false;
    default:
      return direction satisfies never;
  }
}

/** Privacy: `local_only` never leaves, `shareable` only where allowed, `public` always. */
export function mayLeave(privacy: Privacy, policy: Pick<ProjectPolicy, 'allowsShareable'>): boolean {
  switch (privacy) {
    case 'local_only':
      return false;
    case 'shareable':
      return policy.allowsShareable;
    case 'public':
      return true;
    default:
      return privacy satisfies never;
  }
}
