// The `comments` journal of a ServiceNow record as hub comments, each journal entry one comment;
// work notes stay in ServiceNow. A hub comment is posted the way a person posts one, by writing
// the record's `comments` field (PATCH), and the entry that write made is then found in
// sys_journal_field (newest entries of the record with the same text) for its id. A retried post
// first looks there for the entry an attempt whose answer was lost already made. Edits and
// deletions write the sys_journal_field entry itself, which needs write access to that table
// (admins have it by default); without it they end as sync errors on the comment.

import {
  ExternalCallError,
  type CommentChannel,
  type CommentRequest,
  type ExternalComment,
} from '#domain/project/connector.ts';
import { queryValue, type TableClient } from './client.ts';
import { glideMs, journalListSchema, oneJournalSchema, oneRecordSchema, type JournalEntry } from './payloads.ts';

const journalTable = 'sys_journal_field';
const journalFields = ['sys_id', 'element_id', 'element', 'name', 'value', 'sys_created_on', 'sys_created_by'];

/** How many of a record's newest comments a post looks through for its own entry. */
const window = 20;

/** The hub comment of journal entry `entry` (a work note or another field's entry reads as gone). */
export function commentOfEntry(entry: JournalEntry, fallbackMs: number): ExternalComment {
  const createdAtMs = glideMs(entry.sys_created_on) ?? fallbackMs;
  const base = { itemExternalId: entry.element_id, externalId: entry.sys_id, createdAtMs, updatedAtMs: createdAtMs };
  if (entry.element !== 'comments') return { ...base, body: '', deleted: true };
  return { ...base, body: entry.value ?? '', ...(entry.sys_created_by ? { author: entry.sys_created_by } : {}) };
}

/** The comment calls of one session on `table`. */
export function openServiceNowComments(client: TableClient, table: string): CommentChannel {
  async function newestWithText(sysId: string, body: string, signal?: AbortSignal): Promise<JournalEntry | undefined> {
    const query = `element_id=${queryValue(sysId)}^element=comments^ORDERBYDESCsys_created_on`;
    const read = { query, fields: journalFields, limit: window };
    const page = await client.list(journalTable, journalListSchema, read, signal);
    // Compared without outer whitespace, which the journal may not keep as sent.
    return page.result.find((entry) => (entry.value ?? '').trim() === body.trim());
  }

  const result = (entry: JournalEntry, request: CommentRequest) => {
    const updatedAtMs = glideMs(entry.sys_created_on);
    return {
      externalId: entry.sys_id,
      reportedBody: request.body,
      ...(updatedAtMs === undefined ? {} : { updatedAtMs }),
    };
  };

  return {
    async post(sysId, request) {
      const lost = request.retry ? await newestWithText(sysId, request.body, request.signal) : undefined;
      if (lost) return result(lost, request);
      await client.patch(table, sysId, { comments: request.body }, oneRecordSchema, ['sys_id'], request.signal);
      const made = await newestWithText(sysId, request.body, request.signal);
      if (!made) {
        const why = 'its entry cannot be read from sys_journal_field (the integration user needs read access there)';
        throw new ExternalCallError('rejected', `the comment was posted on ${sysId}, but ${why}`);
      }
      return result(made, request);
    },

    async edit(_sysId, externalId, request) {
      const body = { value: request.body };
      const { signal } = request;
      const answer = await client.patch(journalTable, externalId, body, oneJournalSchema, journalFields, signal);
      return result(answer.result, request);
    },

    async remove(_sysId, externalId, request) {
      try {
        await client.remove(journalTable, externalId, request.signal);
      } catch (error) {
        if (!(error instanceof ExternalCallError && error.kind === 'not_found')) throw error;
      }
    },

    async fetch(_sysId, externalId, signal) {
      try {
        const answer = await client.get(journalTable, externalId, oneJournalSchema, journalFields, signal);
        return commentOfEntry(answer.result, Date.now());
      } catch (error) {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
        throw error;
      }
    },
  };
}
