// Calls to Linear for one connected project, through @linear/sdk (client.ts) with the small
// documents of documents.ts. Creates carry an id Lockstep derives from the push's delivery id
// (ids.ts), so a retry first reads that id and adopts the issue an attempt whose answer was lost
// made, and a repeated create is refused as a duplicate rather than making a twin. Writes send
// only the changed fields; statuses go by state id, labels by id (created when missing and
// allowed), assignees by member id. Polling pages through `issues(orderBy: updatedAt)`.

import type { LinearDocument } from '@linear/sdk';
import { z } from 'zod';
import {
  ExternalCallError,
  type ConnectorSession,
  type ExternalItem,
  type OutboundRequest,
  type OutboundResult,
} from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import { createLinearCall, type LinearClientOptions } from './client.ts';
import { openLinearComments } from './comments.ts';
import { beginning, decodeCursor, encodeCursor } from './cursor.ts';
import { issueCreateMutation, issueQuery, issuesQuery, issueUpdateMutation, viewerQuery } from './documents.ts';
import { chosenUuid } from './ids.ts';
import { itemFromNode, orderingKeyOf } from './items.ts';
import { createLinearMapping, rejected } from './mapping.ts';
import { issueAnswerSchema, issueNodeSchema, issuesPageSchema, type LinearIssueNode } from './payloads.ts';
import type { LinearConfig, LinearCredentials } from './settings.ts';
import { createTeamDirectory, createTeamMemory, type TeamMemory } from './team.ts';

/** Session tuning. */
export interface LinearSessionOptions extends LinearClientOptions {
  /** Issues per import page (each costs about 9 complexity points with its labels). */
  readonly pageSize?: number;
  /** Knowledge shared with the project's other sessions (the connector keeps it). */
  readonly memory?: TeamMemory;
}

const viewerSchema = z.object({ viewer: z.object({ id: z.string() }) });
const createdSchema = z.object({ issueCreate: z.object({ success: z.boolean(), issue: issueNodeSchema }) });
const updatedSchema = z.object({ issueUpdate: z.object({ success: z.boolean(), issue: issueNodeSchema }) });

type IssueCreateInput = LinearDocument.IssueCreateInput;
type IssueUpdateInput = LinearDocument.IssueUpdateInput;
type Writable = Pick<IssueUpdateInput, 'title' | 'description' | 'priority' | 'stateId' | 'labelIds' | 'assigneeId'>;

/** A session calling Linear for the project `config` describes. */
export function openLinearSession(
  projectId: string,
  config: LinearConfig,
  credentials: LinearCredentials,
  options: LinearSessionOptions = {},
): ConnectorSession {
  const call = createLinearCall(config, credentials, options);
  const mapping = createLinearMapping(config);
  const team = createTeamDirectory(config, call, options.memory ?? createTeamMemory());
  const pageSize = options.pageSize ?? 50;

  async function readIssue(id: string, signal?: AbortSignal): Promise<LinearIssueNode | null> {
    try {
      return (await call(issueQuery, { id }, issueAnswerSchema, `issue ${id}`, signal)).issue;
    } catch (error) {
      if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** Linear's input for hub `values` (ids of states, labels and members looked up). */
  async function inputFor(values: Partial<Record<FieldKey, JsonValue>>, signal?: AbortSignal): Promise<Writable> {
    const input: { -readonly [K in keyof Writable]: Writable[K] } = {};
    for (const [field, value] of Object.entries(values) as Array<[FieldKey, JsonValue]>) {
      switch (field) {
        case 'title':
          if (typeof value !== 'string' || value.trim() === '') {
            throw rejected('title', value, 'an issue needs a title');
          }
          input.title = value;
          break;
        case 'description':
          input.description = typeof value === 'string' ? value : '';
          break;
        case 'priority':
          input.priority = mapping.priorityOut(value);
          break;
        case 'status':
          input.stateId = mapping.stateFor(value, (await team.context(signal)).states.nodes).id;
          break;
        case 'labels':
          input.labelIds = (await team.labels(mapping.labelsOut(value), signal)).ids;
          break;
        case 'assignee': {
          const email = mapping.assigneeOut(value);
          input.assigneeId = email === null ? null : await team.userId(email, signal);
          break;
        }
        default:
          break; // kind, privacy and custom fields stay on the hub
      }
    }
    return input;
  }

  /** What we sent, as the side will report it (Linear's label spelling, the state's hub status). */
  function result(issue: LinearIssueNode, sent: Partial<Record<FieldKey, JsonValue>>): OutboundResult {
    const item = itemFromNode(issue, mapping);
    const reportedValues: Partial<Record<FieldKey, JsonValue>> = {};
    for (const [field, value] of Object.entries(sent) as Array<[FieldKey, JsonValue]>) {
      const reported = item.fields[field];
      const differs = reported !== undefined && JSON.stringify(reported) !== JSON.stringify(value);
      if (differs) reportedValues[field] = reported;
    }
    return {
      externalId: issue.id,
      ...(issue.url === undefined ? {} : { url: issue.url }),
      orderingKey: orderingKeyOf(issue.updatedAt),
      ...(Object.keys(reportedValues).length > 0 ? { reportedValues } : {}),
      // The mutation answers with the same issue fields a read asks for: the state after the write.
      state: item,
    };
  }

  return {
    comments: openLinearComments(projectId, call),

    async testConnection(signal) {
      await call(viewerQuery, {}, viewerSchema, 'viewer', signal);
      await team.context(signal);
    },

    async fetchChanges(cursor, signal) {
      const position = decodeCursor(cursor);
      const variables = {
        key: config.teamKey,
        since: position.since ?? beginning,
        first: pageSize,
        ...(position.after ? { after: position.after } : {}),
      };
      const what = `issues of team ${config.teamKey}`;
      const page = (await call(issuesQuery, variables, issuesPageSchema, what, signal)).issues;
      const items: ExternalItem[] = page.nodes.map((node) => itemFromNode(node, mapping));
      const keys = [position.newest, ...page.nodes.map((node) => orderingKeyOf(node.updatedAt))];
      const newest = keys.filter((key) => key !== undefined).sort().at(-1);
      if (page.pageInfo.hasNextPage && page.pageInfo.endCursor) {
        const next = encodeCursor({ since: position.since, newest, after: page.pageInfo.endCursor });
        return { items, cursor: next, done: false };
      }
      return { items, cursor: encodeCursor({ since: newest ?? position.since }), done: true };
    },

    async fetchItem(externalId, signal) {
      const issue = await readIssue(externalId, signal);
      return issue === null ? null : itemFromNode(issue, mapping);
    },

    async createItem(request: OutboundRequest): Promise<OutboundResult> {
      const id = chosenUuid('issue', projectId, request.deliveryId);
      const values: Partial<Record<FieldKey, JsonValue>> = {};
      for (const field of ['title', 'description', 'priority', 'labels', 'assignee', 'status'] as const) {
        const value = request.changed[field] ?? request.ticket[field];
        if (value !== undefined) values[field] = value;
      }
      // A retry first looks for the issue an attempt whose answer was lost made under this id.
      const earlier = request.retry ? await readIssue(id, request.signal) : null;
      if (earlier) return result(earlier, values);
      const input = await inputFor(values, request.signal);
      const teamId = (await team.context(request.signal)).id;
      const create: IssueCreateInput = { ...input, id, teamId, title: String(values.title ?? '') };
      try {
        const variables = { input: create };
        const created = await call(issueCreateMutation, variables, createdSchema, 'issueCreate', request.signal);
        return result(created.issueCreate.issue, values);
      } catch (error) {
        // Refused as a duplicate: an attempt we did not know reached Linear made it already.
        const refused = error instanceof ExternalCallError && error.kind === 'rejected';
        const made = refused ? await readIssue(id, request.signal) : null;
        if (made) return result(made, values);
        throw error;
      }
    },

    async updateItem(externalId, request: OutboundRequest): Promise<OutboundResult> {
      const input = await inputFor(request.changed, request.signal);
      const update: IssueUpdateInput = input;
      if (Object.keys(update).length === 0) {
        const current = await readIssue(externalId, request.signal);
        if (!current) throw new ExternalCallError('not_found', `Linear issue ${externalId} is gone`);
        return result(current, request.changed);
      }
      const variables = { id: externalId, input: update };
      const what = `issueUpdate ${externalId}`;
      const updated = await call(issueUpdateMutation, variables, updatedSchema, what, request.signal);
      return result(updated.issueUpdate.issue, request.changed);
    },
  };
}
