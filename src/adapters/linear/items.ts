// A Linear issue as the ExternalItem the engine reads, whether it came by webhook, by the import
// query or by a single fetch. The ordering key is the issue's `updatedAt` as a UTC ISO instant
// (millisecond precision, so it sorts as a plain string); a removal sorts after every change made
// in the same millisecond.

import type { ExternalItem } from '#domain/project/connector.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import type { LinearIssueFields, LinearMapping } from './mapping.ts';
import type { LinearIssueData, LinearIssueNode } from './payloads.ts';

/** The ordering key of a report of an issue updated at `updatedMs`. */
export function orderingKeyOf(updatedMs: number): string {
  return new Date(updatedMs).toISOString();
}

/** The ordering key of a removal reported at `atMs`. */
export function removalKeyOf(atMs: number): string {
  return `${new Date(atMs).toISOString()}#~removed`;
}

/** The item of an issue read through the API (every mapped field present). */
export function itemFromNode(node: LinearIssueNode, mapping: LinearMapping): ExternalItem {
  return build(node.id, node.url, node.updatedAt, mapping, {
    title: node.title,
    description: node.description ?? null,
    priority: node.priority,
    state: node.state,
    labels: node.labels.nodes.map((label) => label.name),
    assigneeEmail: node.assignee?.email ?? null,
  });
}

/** The item of an Issue webhook's `data`; fields the payload leaves out are marked `needsFetch`. */
export function itemFromWebhook(data: LinearIssueData, mapping: LinearMapping, actor?: string): ExternalItem {
  const needsFetch: FieldKey[] = [];
  let labels: string[] | undefined;
  if (data.labels) labels = data.labels.map((label) => label.name);
  else if (data.labelIds?.length === 0) labels = [];
  else needsFetch.push('labels');
  let assigneeEmail: string | null | undefined;
  if (data.assigneeId === null || data.assignee === null) assigneeEmail = null;
  else if (data.assignee?.email !== undefined) assigneeEmail = data.assignee.email;
  else needsFetch.push('assignee');
  if (!data.state) needsFetch.push('status');
  const item = build(data.id, data.url, data.updatedAt, mapping, {
    title: data.title,
    description: data.description ?? null,
    priority: data.priority,
    state: data.state,
    labels,
    assigneeEmail,
  }, actor);
  return needsFetch.length > 0 ? { ...item, needsFetch } : item;
}

function build(
  id: string,
  url: string | undefined,
  updatedMs: number,
  mapping: LinearMapping,
  fields: LinearIssueFields,
  actor?: string,
): ExternalItem {
  const inbound = mapping.fromLinear(fields);
  return {
    externalId: id,
    ...(url === undefined ? {} : { url }),
    orderingKey: orderingKeyOf(updatedMs),
    observedAtMs: updatedMs,
    ...(actor === undefined ? {} : { actor }),
    fields: inbound.fields,
    ...(inbound.mappingErrors.length > 0 ? { mappingErrors: inbound.mappingErrors } : {}),
  };
}
