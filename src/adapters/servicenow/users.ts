// Names ServiceNow references need as sys_ids: the assignee's sys_user (by user_name) and the
// configured assignment group (by name, unless given as a sys_id). Looked up through the Table
// API and remembered for the session's lifetime; a name that matches nothing is a 'rejected'
// error naming it (the engine records it on the link), never a silent empty field.

import { ExternalCallError } from '#domain/project/connector.ts';
import { queryValue, type TableClient } from './client.ts';
import { userListSchema } from './payloads.ts';

const sysIdPattern = /^[0-9a-f]{32}$/;

/** Looks names up once per session. */
export interface Directory {
  /** The sys_id of the sys_user with `userName`. */
  userId(userName: string, signal?: AbortSignal): Promise<string>;
  /** The sys_id of the group `group` (a sys_id is taken as it is). */
  groupId(group: string, signal?: AbortSignal): Promise<string>;
}

/** A directory over `client`. */
export function createDirectory(client: TableClient): Directory {
  const users = new Map<string, Promise<string>>();
  const groups = new Map<string, Promise<string>>();

  function remembered(cache: Map<string, Promise<string>>, key: string, look: () => Promise<string>): Promise<string> {
    let found = cache.get(key);
    if (!found) {
      found = look();
      cache.set(key, found);
      // A failed look-up is tried again next time.
      found.catch(() => cache.delete(key));
    }
    return found;
  }

  return {
    userId: (userName, signal) =>
      remembered(users, userName, async () => {
        const query = { query: `user_name=${queryValue(userName)}`, fields: ['sys_id', 'user_name'], limit: 1 };
        const user = (await client.list('sys_user', userListSchema, query, signal)).result[0];
        if (!user) throw new ExternalCallError('rejected', `assignee: no ServiceNow user has user_name "${userName}"`);
        return user.sys_id;
      }),
    groupId: (group, signal) =>
      sysIdPattern.test(group)
        ? Promise.resolve(group)
        : remembered(groups, group, async () => {
            const query = { query: `name=${queryValue(group)}`, fields: ['sys_id', 'name'], limit: 1 };
            const found = (await client.list('sys_user_group', userListSchema, query, signal)).result[0];
            if (!found) throw new ExternalCallError('rejected', `config.assignmentGroup: no group is named "${group}"`);
            return found.sys_id;
          }),
  };
}
