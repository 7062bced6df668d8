import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { type DocumentNode, GraphQLError, parse, type ParseOptions, type Source, type ValidationRule } from 'graphql';
import { DEFAULT_PAGE, schema } from '@warden/schema';
import { depthLimitRule } from './depth-limit.js';
import { directiveLimitRule } from './directive-limit.js';
import { CostLimit, type ListSize } from './cost-limit.js';

/**
 * What one GraphQL request may ask of the server, applied alike by yoga (createWardenYoga) and the
 * compiled-operation path: a validation rule, the parser's options or the cost check of one may not
 * be used without the others. Each refusal names its limit, and is answered 400.
 */
export const OPERATION_LIMITS = {
  /**
   * Characters in a document, checked before it is lexed: comments, whitespace and long strings
   * are not tokens, so this bounds the lexer's work. graphql's introspection query at its deepest
   * (typeDepth 100, about 46,000 characters, most of them indentation) fits.
   */
  maxDocumentLength: 65_536,
  /**
   * Tokens, counted by graphql's parser as it goes. Its descent is recursive and overflows the
   * stack at about 2,000 nested list values, so this cap, rather than any depth rule (which runs
   * only on a parsed document), is what keeps nesting far below that.
   */
  maxTokens: 1000,
  /** Aliased fields per operation; an alias is how one request repeats an expensive field. */
  maxAliases: 15,
  /** Directives per operation, a fragment's counted once per spread. */
  maxDirectives: 50,
  /** Field levels: the schema nests 8 at most and has no cycle, so this bounds any that comes. */
  maxDepth: 12,
  /** Introspection lists within one another: the full introspection query nests types, fields, arguments. */
  maxIntrospectionLists: 3,
  /**
   * The price of an operation (see CostLimit): one per field, for each item of the sized lists
   * around it. One list of the largest size Warden serves (1,000: a page, a batch's requests, a
   * simulation's action × resource pairs) with every field of its items fits: an authorizeBatch of
   * 1,000 requests selecting every field of its decisions (and an error's message and code) costs
   * 15,001, a page of 1,000 users with every field of User 22,001. Two such lists do not, nor more
   * than about 12,000 items however few fields each selects.
   */
  maxCost: 25_000,
} as const;

/** The parser's options on every path: the token cap. */
export const WARDEN_PARSE_OPTIONS: ParseOptions = { maxTokens: OPERATION_LIMITS.maxTokens };

/** Parses a document within the size and token limits (a refusal is a GraphQLError, as a syntax error is). */
export function parseWithinLimits(source: string | Source, options?: ParseOptions): DocumentNode {
  const length = typeof source === 'string' ? source.length : source.body.length;
  if (length > OPERATION_LIMITS.maxDocumentLength) {
    throw new GraphQLError(`The document is ${length} characters long; the document size limit is ${OPERATION_LIMITS.maxDocumentLength} characters.`);
  }
  return parse(source, { ...options, ...WARDEN_PARSE_OPTIONS });
}

/** graphql-armor phrases each refusal as a syntax error; it is a validation error. */
function reportWithoutSyntaxPrefix(context: { reportError(error: GraphQLError): void } | null, error: GraphQLError): void {
  const prefix = 'Syntax Error: ';
  context?.reportError(new GraphQLError(error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message));
}

/** The limits' validation rules, added to GraphQL's own on every path that runs an operation. */
export const OPERATION_LIMIT_RULES: readonly ValidationRule[] = [
  depthLimitRule(OPERATION_LIMITS.maxDepth, OPERATION_LIMITS.maxIntrospectionLists),
  // graphql-armor's rule counts a fragment's aliases once and adds that count for each spread;
  // reported, not thrown, since a throwing rule makes graphql's validate() throw.
  maxAliasesRule({ n: OPERATION_LIMITS.maxAliases, propagateOnRejection: false, onReject: [reportWithoutSyntaxPrefix] }),
  directiveLimitRule(OPERATION_LIMITS.maxDirectives),
];

function lengthOf(value: unknown): number {
  if (value === undefined || value === null) return 0;
  // A single value where a list is expected is coerced to a list of one.
  return Array.isArray(value) ? value.length : 1;
}

function fieldOfInput(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * The sized lists of Warden's schema: connections by their page size, authorizeBatch by its
 * requests, the simulations by their action × resource pairs (no resourceArns is one resource, '*').
 */
const wardenListSize: ListSize = (parentType, field, argument) => {
  if (parentType === schema.getQueryType()) {
    if (field.name === 'authorizeBatch') return lengthOf(fieldOfInput(argument('input'), 'requests'));
    if (field.name === 'simulatePrincipalPolicy' || field.name === 'simulateCustomPolicy') {
      const input = argument('input');
      return lengthOf(fieldOfInput(input, 'actionNames')) * Math.max(1, lengthOf(fieldOfInput(input, 'resourceArns')));
    }
  }
  if (field.args.some((candidate) => candidate.name === 'first')) {
    const size = argument('first');
    return typeof size === 'number' ? size : DEFAULT_PAGE;
  }
  return undefined;
};

export const OPERATION_COST_LIMIT = new CostLimit(schema, OPERATION_LIMITS.maxCost, wardenListSize);
