// The insert of a new aggregate nothing else will touch in its unit of work, as one plain statement:
// its values converted by the entity mapping exactly as a flush converts them, without registering
// it for a change-set computation (snapshots of every JSON column). The caller keeps the instance it
// built; nothing reads it back through the ORM. UnitOfWork.insertWithEvents sends it with its events.
import type { EntityClass, EntityManager, EntityProperty, Platform } from '@mikro-orm/postgresql';

/** One column's insert: its quoted name and how the property's value becomes its stored value. */
interface Column {
  readonly name: string;
  readonly property: string;
  readonly convert: ((value: unknown) => unknown) | undefined;
}

const statements = new WeakMap<object, { readonly sql: string; readonly columns: readonly Column[] }>();

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
  const statement = { sql, columns };
  statements.set(entity, statement);
  return statement;
}

/** The insert of `instance` of `entity` (every mapped property but a generated key), with `?` placeholders. */
export function plainInsertOf<T extends object>(em: EntityManager, entity: EntityClass<T>, instance: T): { readonly sql: string; readonly values: unknown[] } {
  return plainInsertRowsOf(em, entity, [instance]);
}

/** One insert of `instances` (at least one), rows in the order given, so generated keys follow it. */
export function plainInsertRowsOf<T extends object>(em: EntityManager, entity: EntityClass<T>, instances: readonly T[]): { readonly sql: string; readonly values: unknown[] } {
  if (instances.length === 0) throw new Error(`${entity.name}: an insert needs a row`);
  const { sql, columns } = statementOf(em, entity as EntityClass<object>);
  const values = instances.flatMap((instance) =>
    columns.map(({ property, convert }) => {
      const value = (instance as Record<string, unknown>)[property];
      if (value === undefined) throw new Error(`${entity.name}.${property} is not set: every mapped property is inserted`);
      return convert ? convert(value) : value;
    }),
  );
  const row = `(${columns.map(() => '?').join(', ')})`;
  return { sql: instances.length === 1 ? sql : `${sql}${`, ${row}`.repeat(instances.length - 1)}`, values };
}
