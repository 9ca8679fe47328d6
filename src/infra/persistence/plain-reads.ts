// Reads that only display what they load (GraphQL queries) skip MikroORM: one parameterised
// statement on the ORM's own `pg` pool, its rows turned into instances of the domain class by the
// entity's mapping (column names, JSON, arrays, timestamps), the same values `em.find` gives but
// without query building, the identity map or change-set snapshots. Never flush what these return.
import type { EntityClass, EntityManager, EntityMetadata, EntityProperty } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';

type Row = Record<string, unknown>;

/** Statements whose rows become domain objects. */
export interface PlainReads {
  /** The rows of `sql` (parameters `$1`, `$2`, ...) as `entity` instances, in row order. */
  all<T extends object>(entity: EntityClass<T>, sql: string, params: readonly unknown[]): Promise<T[]>;
  /** Rows already read (every column of `entity`'s table) as `entity` instances. */
  instances<T extends object>(entity: EntityClass<T>, rows: readonly Row[]): T[];
  /** A new instance holding a deep copy of every mapped property of `instance`: as if read again. */
  copy<T extends object>(entity: EntityClass<T>, instance: T): T;
  /** The column a property of `entity` is stored in, quoted (for building statements). */
  column(entity: EntityClass<object>, property: string): string;
  /** The table of `entity`, quoted. */
  table(entity: EntityClass<object>): string;
}

type Convert = (value: unknown) => unknown;

/** How one column becomes one property. */
interface Field {
  readonly column: string;
  readonly property: string;
  readonly convert: Convert | undefined;
}

/** Turns one stored value into what hydration would give, by the property's mapping. */
function converterOf(property: EntityProperty, platform: Parameters<NonNullable<EntityProperty['customType']>['convertToJSValue']>[1]): Convert | undefined {
  const custom = property.customType;
  if (custom) return (value) => (value == null ? value : custom.convertToJSValue(value, platform));
  // The pool hands timestamps over as text (MikroORM's type parsers); hydration makes them Dates.
  if (property.runtimeType === 'Date') return (value) => (typeof value === 'string' ? platform.parseDate(value) : value);
  return undefined;
}

/** Plain reads over the connection pool of `em`'s ORM (`em` only lends its metadata and pool). */
export function createPlainReads(em: EntityManager): PlainReads {
  const platform = em.getPlatform();
  const mappers = new Map<EntityClass<object>, { readonly meta: EntityMetadata; readonly fields: readonly Field[] }>();
  let pool: Promise<Pool> | undefined;

  function mapperOf(entity: EntityClass<object>) {
    const known = mappers.get(entity);
    if (known) return known;
    const meta = em.getMetadata().get(entity);
    const fields = meta.props
      .filter((property) => property.kind === 'scalar' && property.fieldNames.length === 1 && property.persist !== false)
      .map((property) => ({ column: property.fieldNames[0] ?? property.name, property: property.name, convert: converterOf(property, platform) }));
    const mapper = { meta, fields };
    mappers.set(entity, mapper);
    return mapper;
  }

  function instances<T extends object>(entity: EntityClass<T>, rows: readonly Row[]): T[] {
    const { meta, fields } = mapperOf(entity);
    return rows.map((row) => {
      const instance = Object.create(meta.prototype as object) as Record<string, unknown>;
      for (const { column, property, convert } of fields) {
        const value = row[column];
        instance[property] = convert ? convert(value) : value;
      }
      return instance as T;
    });
  }

  function copy<T extends object>(entity: EntityClass<T>, instance: T): T {
    const { meta, fields } = mapperOf(entity);
    const copied = Object.create(meta.prototype as object) as Record<string, unknown>;
    // Mapped values are JSON data, arrays, text and dates, all of which structuredClone copies.
    for (const { property } of fields) copied[property] = structuredClone((instance as Record<string, unknown>)[property]);
    return copied as T;
  }

  return {
    async all<T extends object>(entity: EntityClass<T>, sql: string, params: readonly unknown[]) {
      pool ??= em.getConnection().getNativeClient();
      const { rows } = await (await pool).query<Row>(sql, [...params]);
      return instances(entity, rows);
    },
    instances,
    copy,
    column(entity, property) {
      const field = mapperOf(entity).fields.find((candidate) => candidate.property === property);
      if (!field) throw new Error(`${entity.name} has no column for ${property}`);
      return `"${field.column}"`;
    },
    table: (entity) => `"${mapperOf(entity).meta.tableName}"`,
  };
}
