// The status and priority labels a project writes must exist in the repository, so they show with
// a colour and a description instead of appearing out of nowhere. The first session of a project
// lists the repository's labels and creates the missing ones; the connector remembers which
// repositories are done, so later sessions cost nothing.

import { ExternalCallError } from '#domain/project/connector.ts';
import type { GithubCall } from './client.ts';
import { parseAnswer, repoLabelListSchema } from './payloads.ts';
import type { GithubConfig } from './settings.ts';

/** Repositories (by API base and full name) whose labels are known to exist. */
export type LabelKnowledge = Set<string>;

const colour = 'ededed';
const maxPages = 10;

/** Creates the labels of `names` that `config`'s repository lacks (once per repository). */
export async function ensureLabels(
  call: GithubCall,
  config: GithubConfig,
  names: readonly string[],
  known: LabelKnowledge,
  signal?: AbortSignal,
): Promise<void> {
  const key = `${config.baseUrl} ${config.owner}/${config.repo} ${names.join(',')}`;
  if (names.length === 0 || known.has(key)) return;
  const repo = { owner: config.owner, repo: config.repo };
  const present = new Set<string>();
  for (let page = 1; page <= maxPages; page += 1) {
    const answer = await call(
      'GET labels',
      (octokit, request) => octokit.rest.issues.listLabelsForRepo({ ...repo, per_page: 100, page, request }),
      signal,
    );
    const labels = parseAnswer(repoLabelListSchema, answer.data, 'GET labels');
    for (const label of labels) present.add(label.name.toLowerCase());
    if (labels.length < 100) break;
  }
  for (const name of names) {
    if (present.has(name.toLowerCase())) continue;
    try {
      await call(
        `POST label ${name}`,
        (octokit, request) =>
          octokit.rest.issues.createLabel({ ...repo, name, color: colour, description: 'Set by Lockstep', request }),
        signal,
      );
    } catch (error) {
      // 422 already_exists: someone made it meanwhile.
      if (!(error instanceof ExternalCallError && error.kind === 'rejected' && error.status === 422)) throw error;
    }
  }
  known.add(key);
}
