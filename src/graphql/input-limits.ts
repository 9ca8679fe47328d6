// Input that the API refuses before anything runs: strings holding a NUL character (PostgreSQL's
// text and jsonb cannot store one) and lists longer than `maxInputListLength`, whether they come as
// variables or as literals in the document. Both are a BAD_USER_INPUT naming where they were found.
import { GraphQLError, type ValidationRule } from 'graphql';

/** Most items one input list (variables or literal) may hold. */
export const maxInputListLength = 1_000;

const refusal = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });

/** What is wrong with a value at `path`, or undefined when it can be stored. */
export function inputValueProblem(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return `${path}: contains a NUL character (\\u0000), which cannot be stored`;
    // jsonb refuses half of a UTF-16 surrogate pair too (JSON may carry one as "\ud800").
    return value.isWellFormed() ? undefined : `${path}: contains a lone surrogate (half of a UTF-16 pair), which cannot be stored`;
  }
  if (Array.isArray(value)) {
    if (value.length > maxInputListLength) return `${path}: at most ${maxInputListLength} items (got ${value.length})`;
    for (const [index, item] of value.entries()) {
      const problem = inputValueProblem(item, `${path}.${index}`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = inputValueProblem(key, `${path} key`) ?? inputValueProblem(item, `${path}.${key}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Throws BAD_USER_INPUT when the request's variables hold a value that cannot be stored. */
export function checkVariables(variables: unknown): void {
  const problem = inputValueProblem(variables ?? {}, 'variables');
  if (problem) throw refusal(problem);
}

/** Validation rule: literal strings and lists in the document obey the same limits. */
export const storableLiteralsRule: ValidationRule = (context) => ({
  StringValue(node) {
    if (node.value.includes('\u0000')) {
      context.reportError(refusal('A string in the document contains a NUL character (\\u0000), which cannot be stored'));
    }
  },
  ListValue(node) {
    if (node.values.length > maxInputListLength) {
      context.reportError(refusal(`A list in the document has ${node.values.length} items; at most ${maxInputListLength}`));
    }
  },
});
