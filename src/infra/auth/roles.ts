// The four roles and their order: each role may do everything the roles below it may do.
export const Roles = ['viewer', 'editor', 'reviewer', 'admin'] as const;

/** viewer reads; editor also edits tickets and links; reviewer also resolves conflicts; admin everything. */
export type Role = (typeof Roles)[number];

/** True when `held` grants at least what `required` grants. */
export function isRoleAtLeast(held: Role, required: Role): boolean {
  return Roles.indexOf(held) >= Roles.indexOf(required);
}
