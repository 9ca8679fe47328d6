// The ticket list as one parameterised statement: the filters, then the keyset page (newest first
// by creation time and id, `after` towards older tickets, `before` towards newer ones), so the
// list is read without MikroORM's query building (see plain-reads.ts).
import type { TicketFilter, TicketPage } from './tickets.ts';

/** A statement and its parameters (`$1`, `$2`, ...). */
export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The select of one page of tickets matching `filter`. */
export function ticketListStatement(filter: TicketFilter, page: TicketPage): Statement {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (filter.status?.length) where.push(`status = any(${param([...filter.status])}::text[])`);
  if (filter.kind?.length) where.push(`kind = any(${param([...filter.kind])}::text[])`);
  if (filter.priority?.length) where.push(`priority = any(${param([...filter.priority])}::text[])`);
  if (filter.assignee !== undefined) where.push(`assignee = ${param(filter.assignee)}`);
  if (filter.label !== undefined) where.push(`labels @> array[${param(filter.label)}::text]`);
  if (filter.text !== undefined && filter.text.trim() !== '') {
    const pattern = param(`%${escapeLike(filter.text.trim())}%`);
    where.push(`(title ilike ${pattern} or description ilike ${pattern})`);
  }
  if (page.after) where.push(`(created_at, id) < (${param(page.after.at)}::timestamptz, ${param(page.after.id)}::uuid)`);
  if (page.before) where.push(`(created_at, id) > (${param(page.before.at)}::timestamptz, ${param(page.before.id)}::uuid)`);
  const direction = page.inverted ? 'asc' : 'desc';
  const sql =
    `select * from tickets${where.length > 0 ? ` where ${where.join(' and ')}` : ''} ` +
    `order by created_at ${direction}, id ${direction} limit ${param(page.limit)}`;
  return { sql, params };
}
