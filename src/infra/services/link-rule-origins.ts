// The one check of sync rules the domain cannot make: the origin projects they name must exist.
// Shared by connecting and updating projects and by peering, so every way rules arrive is checked
// the same, before anything is stored.
import type { EntityManager } from '@mikro-orm/postgresql';
import { ExternalProject } from '#domain/project/external-project.ts';
import type { LinkRule } from '#domain/rules/link-rule.ts';
import { BadInputError } from './errors.ts';
import { isHubId } from './ids.ts';

/** Throws BadInputError naming the first rule whose `originProjectIds` names no project. */
export async function requireRuleOrigins(em: EntityManager, rules: readonly LinkRule[]): Promise<void> {
  for (const [index, rule] of rules.entries()) {
    for (const id of rule.originProjectIds ?? []) {
      const origin = isHubId(id) ? await em.findOne(ExternalProject, { id }) : null;
      if (!origin) throw new BadInputError(`linkRules[${index}].originProjectIds: no external project with id "${id}"`);
    }
  }
}
