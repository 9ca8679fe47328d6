// What the connector knows of a project's Linear team: its id, workflow states and labels (one
// small query, remembered for a minute and shared by the project's sessions), and the member id
// of each assignee email (remembered as found). Label names are matched regardless of case; a
// label the team lacks is created or refused, as `config.missingLabels` says.

import { z } from 'zod';
import { ExternalCallError } from '#domain/project/connector.ts';
import type { LinearCall } from './client.ts';
import { labelCreateMutation, teamQuery, userByEmailQuery } from './documents.ts';
import { rejected, sameName } from './mapping.ts';
import { teamContextSchema, type LinearTeamContext } from './payloads.ts';
import type { LinearConfig } from './settings.ts';

/** How long the team's states and labels are trusted before being read again. */
const teamTtlMs = 60_000;

/** Knowledge kept across one project's sessions. */
export interface TeamMemory {
  team?: { readonly context: LinearTeamContext; readonly atMs: number } | undefined;
  readonly users: Map<string, string>;
}

/** A fresh memory. */
export function createTeamMemory(): TeamMemory {
  return { users: new Map() };
}

const labelCreatedSchema = z.object({
  issueLabelCreate: z.object({ success: z.boolean(), issueLabel: z.object({ id: z.string(), name: z.string() }) }),
});
const usersSchema = z.object({ users: z.object({ nodes: z.array(z.object({ id: z.string(), email: z.string() })) }) });

/** The team lookups of one session. */
export interface TeamDirectory {
  /** The team with its states and labels; throws not_found when the key names no team. */
  context(signal?: AbortSignal): Promise<LinearTeamContext>;
  /** Label ids for `names` (created when missing and allowed). */
  labels(names: readonly string[], signal?: AbortSignal): Promise<{ ids: string[] }>;
  /** The member id of `email`; throws 'rejected' when nobody has it. */
  userId(email: string, signal?: AbortSignal): Promise<string>;
}

/** A directory calling Linear with `call` and remembering in `memory`. */
export function createTeamDirectory(config: LinearConfig, call: LinearCall, memory: TeamMemory): TeamDirectory {
  async function context(signal?: AbortSignal, fresh = false): Promise<LinearTeamContext> {
    const known = memory.team;
    if (!fresh && known && Date.now() - known.atMs < teamTtlMs) return known.context;
    const answer = await call(teamQuery, { key: config.teamKey }, teamContextSchema, `team ${config.teamKey}`, signal);
    const team = answer.teams.nodes[0];
    if (!team) {
      const message = `Linear has no team with key ${config.teamKey} that this API key can see`;
      throw new ExternalCallError('not_found', message);
    }
    memory.team = { context: team, atMs: Date.now() };
    return team;
  }

  return {
    context: (signal) => context(signal),

    async labels(names, signal) {
      let team = await context(signal);
      const find = (name: string) => team.labels.nodes.find((label) => sameName(label.name, name));
      if (names.some((name) => !find(name))) team = await context(signal, true);
      const out: Array<{ id: string; name: string }> = [];
      for (const name of names) {
        const existing = find(name);
        if (existing) {
          out.push(existing);
          continue;
        }
        if (config.missingLabels === 'refuse') {
          throw rejected('labels', name, `team ${config.teamKey} has no such label (config.missingLabels is "refuse")`);
        }
        const input = { name, teamId: team.id };
        const what = `issueLabelCreate "${name}"`;
        const created = await call(labelCreateMutation, { input }, labelCreatedSchema, what, signal);
        const label = created.issueLabelCreate.issueLabel;
        team = { ...team, labels: { nodes: [...team.labels.nodes, label] } };
        memory.team = { context: team, atMs: memory.team?.atMs ?? Date.now() };
        out.push(label);
      }
      return { ids: out.map((label) => label.id) };
    },

    async userId(email, signal) {
      const key = email.toLowerCase();
      const known = memory.users.get(key);
      if (known) return known;
      const answer = await call(userByEmailQuery, { email }, usersSchema, 'users by email', signal);
      const user = answer.users.nodes[0];
      if (!user) throw rejected('assignee', email, 'no Linear member has this email');
      memory.users.set(key, user.id);
      return user.id;
    },
  };
}
