// Rows read by hand-written statements on the push path (the claim, the delivered write), turned into
// the entities MikroORM would have loaded: each table's columns come back renamed `<prefix>.<column>`
// so one row can carry several entities, and are merged into an EntityManager as if it read them.
import type { EntityDictionary, EntityName, MetadataStorage } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/** A row whose columns carry prefixes, as `prefixedColumns` names them. */
export type PrefixedRow = Readonly<Record<string, unknown>>;

/** The select list of `entity`'s columns from table alias `alias`, each renamed `<prefix>.<column>`. */
export function prefixedColumns(
  orm: { getMetadata(): MetadataStorage },
  entity: EntityName<object>,
  alias: string,
  prefix: string,
): string {
  const columns = orm
    .getMetadata()
    .get(entity)
    .props.flatMap((prop) => (prop.persist === false ? [] : prop.fieldNames));
  return columns.map((column) => `${alias}."${column}" as "${prefix}.${column}"`).join(', ');
}

/** The `entity` whose columns `row` carries under `prefix`, merged into `em`; null when an outer join found none. */
export function entityFrom<T extends object>(em: EntityManager, entity: EntityName<T>, row: PrefixedRow, prefix: string): T | null {
  const start = `${prefix}.`;
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith(start)) data[key.slice(start.length)] = value;
  if (data['id'] === null || data['id'] === undefined) return null;
  return em.map(entity, data as EntityDictionary<T>);
}

/**
 * Like `entityFrom`, but an entity this EntityManager already holds is kept as it is (it may carry
 * changes not yet flushed, which a refresh from the row would undo).
 */
export function heldEntityFrom<T extends object>(em: EntityManager, entity: EntityName<T>, row: PrefixedRow, prefix: string): T | null {
  const id = row[`${prefix}.id`];
  if (id === null || id === undefined) return null;
  return em.getUnitOfWork().getById(entity, id as never) ?? entityFrom(em, entity, row, prefix);
}
