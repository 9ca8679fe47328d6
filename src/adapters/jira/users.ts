// Hub users <-> Jira accounts, one rule for every user field (the assignee and user-picker custom
// fields): `config.userMap` names the account of a hub user; a Jira account missing from it comes in
// as `jira:<accountId>`, which maps back to that same account going out.

/** Prefix of a hub user naming a Jira account that `userMap` does not know. */
export const unmappedUserPrefix = 'jira:';

/** The Jira accountId of hub user `user`, or undefined when nothing maps it. */
export function jiraAccountOf(user: string, userMap: Readonly<Record<string, string>>): string | undefined {
  const mapped = userMap[user];
  if (mapped !== undefined) return mapped;
  const unmapped = user.startsWith(unmappedUserPrefix) ? user.slice(unmappedUserPrefix.length) : '';
  return unmapped === '' ? undefined : unmapped;
}

/** The hub user of Jira account `accountId`. */
export function hubUserOf(accountId: string, userMap: Readonly<Record<string, string>>): string {
  return Object.keys(userMap).find((name) => userMap[name] === accountId) ?? `${unmappedUserPrefix}${accountId}`;
}
