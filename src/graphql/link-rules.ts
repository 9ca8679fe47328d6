// Sync rules in GraphQL: `LinkRuleInput` as connectExternalProject and updateExternalProject take
// it, `LinkRule` as ExternalProject.linkRules shows it. The domain checks and normalises them.
import { parseLinkRules, type LinkRule } from '#domain/rules/link-rule.ts';
import { builder } from './builder.ts';
import { PriorityEnum, TicketKindEnum, TicketStatusEnum } from './enums.ts';

export const LinkRuleRef = builder.objectRef<LinkRule>('LinkRule').implement({
  description: 'Tickets meeting every criterion the rule sets are linked to the project once (a null criterion matches any ticket).',
  fields: (t) => ({
    kinds: t.field({ type: [TicketKindEnum], nullable: true, resolve: (rule) => rule.kinds }),
    labels: t.stringList({ nullable: true, description: 'Any of these labels.', resolve: (rule) => rule.labels }),
    minPriority: t.field({
      type: PriorityEnum,
      nullable: true,
      description: 'This priority or a more urgent one.',
      resolve: (rule) => rule.minPriority,
    }),
    statuses: t.field({ type: [TicketStatusEnum], nullable: true, resolve: (rule) => rule.statuses }),
    originProjectIds: t.idList({
      nullable: true,
      description: 'The project the ticket was imported from (tickets created on the hub have none).',
      resolve: (rule) => rule.originProjectIds,
    }),
  }),
});

export const LinkRuleInput = builder.inputType('LinkRuleInput', {
  description: 'Leave a criterion out to match any ticket; a list must not be empty.',
  fields: (t) => ({
    kinds: t.field({ type: [TicketKindEnum] }),
    labels: t.stringList({ description: 'Any of these labels.' }),
    minPriority: t.field({ type: PriorityEnum, description: 'This priority or a more urgent one.' }),
    statuses: t.field({ type: [TicketStatusEnum] }),
    originProjectIds: t.idList({ description: 'Projects the ticket was imported from.' }),
  }),
});

type LinkRuleArgs = typeof LinkRuleInput.$inferInput;

/** The rules as the domain stores them; throws InvalidLinkRule naming the bad criterion. */
export function toLinkRules(inputs: readonly LinkRuleArgs[] | null | undefined): LinkRule[] | undefined {
  if (inputs == null) return undefined;
  return parseLinkRules(
    inputs.map((input) => ({
      kinds: input.kinds ?? null,
      labels: input.labels ?? null,
      minPriority: input.minPriority ?? null,
      statuses: input.statuses ?? null,
      originProjectIds: input.originProjectIds?.map(String) ?? null,
    })),
  );
}
