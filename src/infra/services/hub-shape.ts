// Two questions every ticket event asks, whose usual answer is "no": does any syncing project have
// sync rules (or alert routes), and is any alert source that keeps silences connected? One small
// query answers both, at most once per `ttlMs`; a project change committed in this process asks
// again at once, a change in another process is seen within `ttlMs` (as with the project cache).
import type { MikroORM } from '@mikro-orm/postgresql';
import { ExternalProject } from '#domain/project/external-project.ts';
import { projectCacheTtlMs } from './project-cache.ts';

/** What the hub's projects hold, as far as the per-event work needs to know. */
export interface HubShape {
  /** True when some active (or failing) project has link rules or alert routes. */
  hasRules(): Promise<boolean>;
  /** True when some active (or failing) project is of a kind that keeps silences. */
  hasSilenceSources(): Promise<boolean>;
}

interface Answer {
  readonly rules: boolean;
  readonly silences: boolean;
}

const ASK = `
  select exists(select 1 from external_projects
                 where status in ('active', 'error') and (link_rules <> '[]'::jsonb or jsonb_exists(config, 'routes'))) as rules,
         exists(select 1 from external_projects where status in ('active', 'error') and kind = any(?::text[])) as silences`;

/** The shape over `orm`; `silenceKinds` are the kinds whose connector keeps silences. */
export function createHubShape(orm: MikroORM, silenceKinds: readonly string[], ttlMs = projectCacheTtlMs): HubShape {
  let cached: { readonly until: number; readonly answer: Promise<Answer> } | undefined;
  /** A project was flushed in a transaction not yet ended: a read meanwhile saw the old rows. */
  let changed = false;
  const forget = () => void (cached = undefined);
  const flushed = () => {
    changed = true;
    forget();
  };
  const ended = () => {
    if (!changed) return;
    changed = false;
    forget();
  };
  orm.em.getEventManager().registerSubscriber({
    getSubscribedEntities: () => [ExternalProject],
    afterCreate: flushed,
    afterUpdate: flushed,
    afterDelete: flushed,
    afterTransactionCommit: ended,
    afterTransactionRollback: ended,
  });
  const ask = (): Promise<Answer> => {
    const now = Date.now();
    if (cached && cached.until > now) return cached.answer;
    const literal = `{${silenceKinds.join(',')}}`;
    const answer = orm.em
      .getConnection()
      .execute<Answer[]>(ASK, [literal])
      .then(([row]) => ({ rules: row?.rules === true, silences: row?.silences === true }));
    const entry = { until: now + ttlMs, answer };
    cached = entry;
    answer.catch(() => {
      if (cached === entry) forget();
    });
    return answer;
  };
  return {
    hasRules: async () => (await ask()).rules,
    hasSilenceSources: async () => (await ask()).silences,
  };
}
