// The Table API calls of one ServiceNow connection, over the shared HTTP helper. There is no
// maintained ServiceNow SDK for Node worth its weight (the npm packages wrap the same five REST
// calls and drop response headers), while the shared helper already bounds each call and turns
// 401/403, 404, 429 with Retry-After, 5xx and timeouts into the ExternalCallError kinds the engine
// retries or stops on. Every read asks for stored values and plain sys_id references
// (`sysparm_display_value=false`, `sysparm_exclude_reference_link=true`); every answer is parsed
// with its zod schema here, and a body of another shape is an 'unavailable' error naming the call.

import type { z } from 'zod';
import { ExternalCallError } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import { responseJson, sendRequest, type HttpMethod } from '#adapters/shared/http.ts';
import { authorizationHeader, type ServiceNowCredentials } from './settings.ts';

/** Transport tuning; tests shorten the timeout. */
export interface ServiceNowClientOptions {
  readonly timeoutMs?: number;
}

/** A list read: an encoded query, the fields wanted and a page. */
export interface ListQuery {
  readonly query?: string;
  readonly fields?: readonly string[];
  readonly limit: number;
  readonly offset?: number;
}

type Fields = readonly string[];
type Body = Record<string, JsonValue>;
type Answer<S extends z.ZodType> = Promise<z.output<S>>;

/** Table API calls with stored values, answers parsed by the caller's schema. */
export interface TableClient {
  list<S extends z.ZodType>(table: string, schema: S, query: ListQuery, signal?: AbortSignal): Promise<z.output<S>>;
  /** Throws a `not_found` ExternalCallError when there is no such record. */
  get<S extends z.ZodType>(table: string, sysId: string, schema: S, fields: Fields, signal?: AbortSignal): Answer<S>;
  create<S extends z.ZodType>(table: string, body: Body, schema: S, fields: Fields, signal?: AbortSignal): Answer<S>;
  patch<S extends z.ZodType>(
    table: string,
    sysId: string,
    body: Body,
    schema: S,
    fields: Fields,
    signal?: AbortSignal,
  ): Answer<S>;
  remove(table: string, sysId: string, signal?: AbortSignal): Promise<void>;
}

/** A client for the instance at `instanceUrl` with `credentials`. */
export function createTableClient(
  instanceUrl: string,
  credentials: ServiceNowCredentials,
  options: ServiceNowClientOptions = {},
): TableClient {
  const base = instanceUrl.endsWith('/') ? instanceUrl : `${instanceUrl}/`;
  const authorization = authorizationHeader(credentials);

  async function call<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    params: Record<string, string>,
    schema: S | undefined,
    body: Record<string, JsonValue> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<z.output<S>> {
    const url = new URL(`api/now/table/${path}`, base);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const response = await sendRequest({
      url: url.toString(),
      method,
      headers: { authorization },
      ...(body === undefined ? {} : { json: body }),
      ...(signal ? { signal } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    if (!schema) return undefined as z.output<S>;
    const parsed = schema.safeParse(responseJson(response));
    if (!parsed.success) {
      const problem = parsed.error.message.slice(0, 200);
      const where = `${method} ${url.pathname}`;
      throw new ExternalCallError('unavailable', `ServiceNow answered ${where} with an unexpected body: ${problem}`);
    }
    return parsed.data;
  }

  const stored = (fields: readonly string[]): Record<string, string> => ({
    sysparm_display_value: 'false',
    sysparm_exclude_reference_link: 'true',
    ...(fields.length > 0 ? { sysparm_fields: fields.join(',') } : {}),
  });
  const one = (table: string, sysId: string) => `${encodeURIComponent(table)}/${encodeURIComponent(sysId)}`;

  return {
    list: (table, schema, query, signal) =>
      call('GET', encodeURIComponent(table), {
        ...stored(query.fields ?? []),
        ...(query.query ? { sysparm_query: query.query } : {}),
        sysparm_limit: String(query.limit),
        ...(query.offset ? { sysparm_offset: String(query.offset) } : {}),
        sysparm_no_count: 'true',
      }, schema, undefined, signal),
    get: (table, sysId, schema, fields, signal) =>
      call('GET', one(table, sysId), stored(fields), schema, undefined, signal),
    create: (table, body, schema, fields, signal) =>
      call('POST', encodeURIComponent(table), stored(fields), schema, body, signal),
    patch: (table, sysId, body, schema, fields, signal) =>
      call('PATCH', one(table, sysId), stored(fields), schema, body, signal),
    async remove(table, sysId, signal) {
      await call('DELETE', one(table, sysId), {}, undefined, undefined, signal);
    },
  };
}

/** A value made safe inside an encoded query (`^` separates conditions; there is no escaping). */
export function queryValue(value: string): string {
  if (value.includes('^') || /[\r\n]/.test(value)) {
    throw new ExternalCallError('rejected', `${JSON.stringify(value.slice(0, 40))} cannot appear in an encoded query`);
  }
  return value;
}
