// The insert of a new aggregate, or the update of one held under its row lock, as one plain
// statement: values converted by the entity mapping exactly as a flush converts them, without the
// identity map or change-set snapshots; an update writes the columns that changed, as a flush does.
// UnitOfWork.insertWithEvents and UnitOfWork.editLocked send them with their events.
import type { EntityClass, EntityManager, EntityProperty, Platform } from '@mikro-orm/postgresql';

/** One column's insert: its quoted name and how the property's value becomes its stored value. */
interface Column {
  readonly name: string;
  readonly property: string;
  readonly convert: ((value: unknown) => unknown) | undefined;
}

const statements = new WeakMap<object, { readonly sql: string; readonly table: string; readonly columns: readonly Column[] }>();

function converterOf(property: EntityProperty, platform: Platform): Column['convert'] {
  const custom = property.customType;
  if (!custom) return undefined;
  return (value) => (value == null ? value : custom.convertToDatabaseValue(value, platform, { mode: 'query' }));
}

function statementOf(em: EntityManager, entity: EntityClass<object>) {
  const known = statements.get(entity);
  if (known) return known;
  const meta = em.getMetadata().get(entity);
  const platform = em.getPlatform();
  const columns = meta.props
    .filter((property) => property.kind === 'scalar' && property.persist !== false && !property.autoincrement && property.fieldNames.length === 1)
    .map((property) => ({ name: `"${property.fieldNames[0] ?? property.name}"`, property: property.name, convert: converterOf(property, platform) }));
  const sql = `insert into "${meta.tableName}" (${columns.map((column) => column.name).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
  const statement = { sql, table: `"${meta.tableName}"`, columns };
  statements.set(entity, statement);
  return statement;
}

/** One statement with `?` placeholders and their values. */
export interface PlainStatement {
  readonly sql: string;
  readonly values: unknown[];
}

/** Every mapped property of `instance`, as stored. */
function storedValuesOf(entity: EntityClass<object>, columns: readonly Column[], instance: object): unknown[] {
  return columns.map(({ property, convert }) => {
    const value = (instance as Record<string, unknown>)[property];
    if (value === undefined) throw new Error(`${entity.name}.${property} is not set: every mapped property is stored`);
    return convert ? convert(value) : value;
  });
}

/** The insert of `instance` of `entity` (every mapped property but a generated key), with `?` placeholders. */
export function plainInsertOf<T extends object>(em: EntityManager, entity: EntityClass<T>, instance: T): PlainStatement {
  return plainInsertRowsOf(em, entity, [instance]);
}

/** One insert of `instances` (at least one), rows in the order given, so generated keys follow it. */
export function plainInsertRowsOf<T extends object>(em: EntityManager, entity: EntityClass<T>, instances: readonly T[]): PlainStatement {
  if (instances.length === 0) throw new Error(`${entity.name}: an insert needs a row`);
  const { sql, columns } = statementOf(em, entity as EntityClass<object>);
  const values = instances.flatMap((instance) => storedValuesOf(entity as EntityClass<object>, columns, instance));
  const row = `(${columns.map(() => '?').join(', ')})`;
  return { sql: instances.length === 1 ? sql : `${sql}${`, ${row}`.repeat(instances.length - 1)}`, values };
}

/** What `instance` holds now, column by column, to tell later which columns an edit changed. */
export type StoredRow = readonly string[];

/** `instance` as stored (compared as JSON text, so a nested value the domain edits in place counts). */
export function storedRowOf<T extends object>(em: EntityManager, entity: EntityClass<T>, instance: T): StoredRow {
  const { columns } = statementOf(em, entity as EntityClass<object>);
  return storedValuesOf(entity as EntityClass<object>, columns, instance).map((value) => JSON.stringify(value) ?? 'undefined');
}

/**
 * The update of the row `instance` was read from, writing the columns that differ from `before`
 * (none: no statement, as a flush sends none). Keyed by `key`, the entity's one primary key column.
 */
export function plainUpdateOf<T extends object>(em: EntityManager, entity: EntityClass<T>, instance: T, before: StoredRow, key: string): PlainStatement | undefined {
  const { table, columns } = statementOf(em, entity as EntityClass<object>);
  const now = storedValuesOf(entity as EntityClass<object>, columns, instance);
  const changed = columns.flatMap((column, index) => (JSON.stringify(now[index]) === before[index] ? [] : [{ column, value: now[index] }]));
  if (changed.length === 0) return undefined;
  const keyColumn = columns.find((column) => column.property === key);
  if (!keyColumn) throw new Error(`${entity.name} has no column for ${key}`);
  return {
    sql: `update ${table} set ${changed.map(({ column }) => `${column.name} = ?`).join(', ')} where ${keyColumn.name} = ?`,
    values: [...changed.map(({ value }) => value), (instance as Record<string, unknown>)[key]],
  };
}
