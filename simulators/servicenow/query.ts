// The part of ServiceNow's encoded query language the simulator understands: conditions joined by
// `^` (field=value, !=, >=, >, <=, <, STARTSWITH, LIKE) and ORDERBY / ORDERBYDESC clauses. Values
// compare as stored strings, which orders `yyyy-MM-dd HH:mm:ss` dates correctly. An unknown field
// matches nothing here (ServiceNow would ignore the condition; a simulator should rather fail loud).

/** A stored row: every value a string. */
export type Row = Readonly<Record<string, string>>;

interface Condition {
  readonly field: string;
  readonly operator: string;
  readonly value: string;
}

interface Order {
  readonly field: string;
  readonly descending: boolean;
}

/** A parsed encoded query. */
export interface EncodedQuery {
  readonly conditions: readonly Condition[];
  readonly order: readonly Order[];
}

const operators = ['!=', '>=', '<=', '=', '>', '<', 'STARTSWITH', 'LIKE'] as const;

/** Parses `query` (empty: everything, unordered); throws naming a part it cannot read. */
export function parseQuery(query: string): EncodedQuery {
  const conditions: Condition[] = [];
  const order: Order[] = [];
  for (const part of query.split('^').filter((p) => p !== '')) {
    if (part.startsWith('ORDERBYDESC')) order.push({ field: part.slice('ORDERBYDESC'.length), descending: true });
    else if (part.startsWith('ORDERBY')) order.push({ field: part.slice('ORDERBY'.length), descending: false });
    else {
      const match = /^([a-z_][a-z0-9_.]*)(.*)$/.exec(part);
      const operator = operators.find((op) => match?.[2]?.startsWith(op));
      if (!match?.[1] || !operator) throw new Error(`cannot read query part "${part}"`);
      conditions.push({ field: match[1], operator, value: (match[2] ?? '').slice(operator.length) });
    }
  }
  return { conditions, order };
}

function holds(row: Row, condition: Condition): boolean {
  const actual = row[condition.field];
  if (actual === undefined) return false;
  const { value } = condition;
  switch (condition.operator) {
    case '=': return actual === value;
    case '!=': return actual !== value;
    case '>=': return actual >= value;
    case '<=': return actual <= value;
    case '>': return actual > value;
    case '<': return actual < value;
    case 'STARTSWITH': return actual.startsWith(value);
    default: return actual.includes(value);
  }
}

/** The rows of `rows` the query selects, in its order. */
export function runQuery(rows: Iterable<Row>, query: EncodedQuery): Row[] {
  const selected = [...rows].filter((row) => query.conditions.every((condition) => holds(row, condition)));
  return selected.sort((a, b) => {
    for (const { field, descending } of query.order) {
      const x = a[field] ?? '';
      const y = b[field] ?? '';
      if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
    }
    return 0;
  });
}
