// Sync rules: which tickets a project receives without anyone calling linkTicket. A rule is a
// conjunction of optional criteria (a field it leaves out matches anything); a project's rules are
// a disjunction. Privacy and direction still decide what may leave, exactly as for linkTicket.

import { DomainError } from '../errors.ts';
import { allowsPush, mayLeave, type ProjectPolicy } from '../sync/policy.ts';
import {
  priorities,
  ticketKinds,
  ticketStatuses,
  type Priority,
  type Privacy,
  type TicketKind,
  type TicketStatus,
} from '../ticket/fields.ts';

/** One rule; null means "any". Lists are sorted and without duplicates. */
export interface LinkRule {
  readonly kinds: readonly TicketKind[] | null;
  /** Any of these labels. */
  readonly labels: readonly string[] | null;
  /** This priority or a more urgent one. */
  readonly minPriority: Priority | null;
  readonly statuses: readonly TicketStatus[] | null;
  /** The project the ticket was imported from (a ticket created on the hub has none). */
  readonly originProjectIds: readonly string[] | null;
  /** Alert labels every member of an alert group carries (only rules written as alert routes set it). */
  readonly alertLabels?: Readonly<Record<string, string>>;
}

/** What a rule looks at in a ticket. */
export interface RuleSubject {
  readonly kind: TicketKind;
  readonly labels: readonly string[];
  readonly priority: Priority;
  readonly status: TicketStatus;
  readonly privacy: Privacy;
  /** The replica that created the ticket: a project id for imports, the hub's id otherwise. */
  readonly originReplica: string | null;
  /** For an alert group: the labels all its alerts carry with the same value. */
  readonly alertLabels?: Readonly<Record<string, string>>;
}

/** Most rules one project holds, and most values one criterion lists. */
export const maxRules = 50;
export const maxRuleValues = 100;

/** A rule that cannot be stored; the message names the rule and the criterion. */
export class InvalidLinkRule extends DomainError {
  override readonly name = 'InvalidLinkRule';
}

/** True when `subject` meets every criterion `rule` sets (`labels`: any of them). */
export function ruleMatches(rule: LinkRule, subject: RuleSubject): boolean {
  if (rule.kinds !== null && !rule.kinds.includes(subject.kind)) return false;
  if (rule.statuses !== null && !rule.statuses.includes(subject.status)) return false;
  const urgency = priorities.indexOf(subject.priority);
  if (rule.minPriority !== null && urgency > priorities.indexOf(rule.minPriority)) return false;
  if (rule.labels !== null && !rule.labels.some((label) => subject.labels.includes(label))) return false;
  const origin = subject.originReplica;
  if (rule.originProjectIds !== null && (origin === null || !rule.originProjectIds.includes(origin))) return false;
  if (rule.alertLabels !== undefined) {
    return Object.entries(rule.alertLabels).every(([name, value]) => subject.alertLabels?.[name] === value);
  }
  return true;
}

/** True when `subject` matches at least one of `rules` (no rules: never). */
export function matchesAnyRule(rules: readonly LinkRule[], subject: RuleSubject): boolean {
  return rules.some((rule) => ruleMatches(rule, subject));
}

/** True when the project's rules want `subject` and its privacy and the project's direction let it go there. */
export function wantedByRules(
  rules: readonly LinkRule[],
  policy: Pick<ProjectPolicy, 'direction' | 'allowsShareable'>,
  subject: RuleSubject,
): boolean {
  return allowsPush(policy.direction) && mayLeave(subject.privacy, policy) && matchesAnyRule(rules, subject);
}

/**
 * Whether a change links the ticket: it is wanted now and was not before the change (`before` is
 * null for a new ticket). A ticket that stays wanted is not asked for again by every later edit;
 * whether it was ever linked is for the caller, which knows the links.
 */
export function linksOnChange(
  rules: readonly LinkRule[],
  policy: Pick<ProjectPolicy, 'direction' | 'allowsShareable'>,
  before: RuleSubject | null,
  after: RuleSubject,
): boolean {
  if (!wantedByRules(rules, policy, after)) return false;
  return before === null || !wantedByRules(rules, policy, before);
}

/** A rule as an admin gives it: every criterion optional. */
export interface LinkRuleDraft {
  readonly kinds?: readonly string[] | null;
  readonly labels?: readonly string[] | null;
  readonly minPriority?: string | null;
  readonly statuses?: readonly string[] | null;
  readonly originProjectIds?: readonly string[] | null;
}

function oneOf<T extends string>(at: string, allowed: readonly T[], value: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidLinkRule(`${at}: unknown value "${value}" (use ${allowed.join(', ')})`);
}

type Values = readonly string[] | null | undefined;

function list<T extends string>(at: string, values: Values, parse: (value: string) => T): T[] | null {
  if (values == null) return null;
  if (values.length === 0) throw new InvalidLinkRule(`${at}: must not be empty (leave it out to match any)`);
  if (values.length > maxRuleValues) throw new InvalidLinkRule(`${at}: at most ${maxRuleValues} values`);
  return [...new Set(values.map(parse))].sort();
}

function parseLabel(at: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > 100) throw new InvalidLinkRule(`${at}: labels must be 1-100 characters`);
  return trimmed;
}

/** Checks and normalises `drafts` (`at` prefixes messages, e.g. `linkRules`); throws InvalidLinkRule. */
export function parseLinkRules(drafts: readonly LinkRuleDraft[], at = 'linkRules'): LinkRule[] {
  if (drafts.length > maxRules) throw new InvalidLinkRule(`${at}: at most ${maxRules} rules`);
  return drafts.map((draft, index) => {
    const here = `${at}[${index}]`;
    return {
      kinds: list(`${here}.kinds`, draft.kinds, (value) => oneOf(`${here}.kinds`, ticketKinds, value)),
      labels: list(`${here}.labels`, draft.labels, (value) => parseLabel(`${here}.labels`, value)),
      minPriority: draft.minPriority == null ? null : oneOf(`${here}.minPriority`, priorities, draft.minPriority),
      statuses: list(`${here}.statuses`, draft.statuses, (value) => oneOf(`${here}.statuses`, ticketStatuses, value)),
      originProjectIds: list(`${here}.originProjectIds`, draft.originProjectIds, (value) => value),
    };
  });
}
