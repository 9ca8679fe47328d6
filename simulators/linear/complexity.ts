// Linear's query complexity, as its rate-limiting guide describes it: each property 0.1 point,
// each object 1 point, and a connection multiplies its children by its `first` (50 when absent).
// Linear refuses a single query above 10,000 points and bills the rest against an hourly budget.

import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/** The largest complexity one query may have. */
export const maxQueryComplexity = 10_000;

/** The complexity of the operation in `document` with `variables`, rounded up. */
export function queryComplexity(document: DocumentNode, variables: Record<string, unknown>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) return variables[node.name.value];
    return node.kind === Kind.INT ? Number(node.value) : undefined;
  };

  function cost(set: SelectionSetNode, seen: ReadonlySet<string>): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const name = selection.name.value;
        if (fragment && !seen.has(name)) total += cost(fragment.selectionSet, new Set([...seen, name]));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += cost(selection.selectionSet, seen);
      } else if (!selection.selectionSet) {
        total += selection.name.value === '__typename' ? 0 : 0.1;
      } else {
        const children = cost(selection.selectionSet, seen);
        const isConnection = selection.selectionSet.selections.some(
          (s) => s.kind === Kind.FIELD && (s.name.value === 'nodes' || s.name.value === 'edges'),
        );
        const first = selection.arguments?.find((arg) => arg.name.value === 'first');
        const size = isConnection ? Number((first ? valueOf(first.value) : undefined) ?? 50) : 1;
        total += isConnection ? size * children : 1 + children;
      }
    }
    return total;
  }

  let total = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) total += cost(definition.selectionSet, new Set());
  }
  return Math.ceil(total);
}
