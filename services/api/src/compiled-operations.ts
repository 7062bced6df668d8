import { type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema, getOperationAST, OperationTypeNode, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
import { compileQuery, type CompiledQuery, isCompiledQuery } from 'graphql-jit';
import { OTHER_OPERATION } from './metrics/request-path.js';
import { RecentCache } from './recent-cache.js';

/**
 * Valid operations, compiled once and then run straight from a cache, for the signed JSON POSTs
 * that are nearly all of Warden's traffic. It does what yoga's per-operation pipeline does for
 * such a request with Warden's plugins (parse and validation cache, GraphQL's rules plus Warden's,
 * graphql-jit, error masking) without envelop's hook machinery around every step, which was most
 * of what yoga's per-operation pipeline cost in the authorize benchmark's CPU profile, and nothing
 * Warden needs (docs/performance.md has the profile and the gain).
 *
 * It takes only what it can run exactly as yoga would, and says so by returning undefined:
 * anything that does not parse or validate, a subscription, unknown request parameters, or an
 * operation name that is not a GraphQL name. Yoga answers those, with its own errors. A request of
 * an operation it takes is answered here, refusals of the limits its variables decide included
 * (with the function yoga's plugin decides them with), so that no request is checked twice. Tests
 * run a corpus through both paths and compare the answers.
 */
export interface OperationParams {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>> | null;
  readonly operationName?: string | null;
  readonly extensions?: Readonly<Record<string, unknown>> | null;
}

/** The limits on the requests of one valid operation that their variables decide. */
export interface OperationRequestLimits {
  /** Whether every request of the operation is refused, whatever its variables: it is then never compiled. */
  readonly refusesEvery: boolean;
  /** The refusal of one request, or undefined when it may run. */
  refusalOf(variables: OperationParams['variables']): GraphQLError | undefined;
}

export interface CompiledOperationsOptions<Context> {
  readonly schema: GraphQLSchema;
  /** Rules added to GraphQL's specified rules, as the yoga instance adds them. */
  readonly rules: readonly ValidationRule[];
  /** The parser, with the options the yoga instance parses with (graphql's parse by default). */
  readonly parse?: (source: string) => DocumentNode;
  /** The limits its variables decide on each request of an operation, as the yoga instance decides them before executing. */
  readonly requestLimits?: (document: DocumentNode, operationName: string | undefined) => OperationRequestLimits;
  /** The same masking the yoga instance applies to execution errors, given the request's context. */
  readonly maskError: (error: unknown, context: Context) => GraphQLError;
  /** About how many distinct operations stay compiled (see RecentCache). */
  readonly capacity?: number;
  /** What an operation is called, from its document (undefined when it does not parse); computed once per text. */
  readonly label?: (document: DocumentNode | undefined, operationName: string | undefined) => string;
}

/**
 * Longer operations are left to yoga: the cache is bounded by entries, and each entry keeps its
 * text, so the bound on memory is this times the capacity (an anonymous sign-in can send any text
 * the body limit allows). Warden's own operations are a few hundred characters.
 */
export const MAX_COMPILED_QUERY_LENGTH = 8192;

/** Yoga refuses any other request parameter (useCheckGraphQLQueryParams); so does this path, by leaving it to yoga. */
const KNOWN_PARAMETERS = new Set(['query', 'variables', 'operationName', 'extensions']);
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** An operation this path answers: its limits, and what it compiled (nothing when the limits refuse every request). */
interface Runnable {
  readonly limits: OperationRequestLimits | undefined;
  readonly compiled: CompiledQuery | undefined;
}

/**
 * One operation text as this path keeps it: parsed and labelled when first seen, which needs no
 * caller (the metrics label refused requests too), and validated, compiled and kept in the cache
 * when it is first run, which comes after authentication: texts sent without valid credentials
 * cost a parse each and never take a place in the cache from a caller's operations.
 */
export interface PreparedOperation {
  /** What the metrics and the traces call the operation (the `label` option). */
  readonly label: string;
}

interface Entry extends PreparedOperation {
  /** The parsed document until the first run compiles it; undefined when it did not parse. */
  document: DocumentNode | undefined;
  /** undefined until the first run; then what it compiled, or null for an operation this path leaves to yoga. */
  runnable: Runnable | null | undefined;
  /** Whether the cache holds it (from its first run on). */
  kept: boolean;
}

export class CompiledOperations<Context> {
  readonly #schema: GraphQLSchema;
  readonly #rules: readonly ValidationRule[];
  readonly #parse: (source: string) => DocumentNode;
  readonly #requestLimits: ((document: DocumentNode, operationName: string | undefined) => OperationRequestLimits) | undefined;
  readonly #maskError: (error: unknown, context: Context) => GraphQLError;
  readonly #label: (document: DocumentNode | undefined, operationName: string | undefined) => string;
  /**
   * By query text for unnamed operations, by operation name and query text for named ones (two
   * caches, so no key of one can be taken for a key of the other).
   */
  readonly #unnamed: RecentCache<string, Entry>;
  readonly #named: RecentCache<string, Entry>;

  constructor(options: CompiledOperationsOptions<Context>) {
    this.#schema = options.schema;
    this.#rules = [...specifiedRules, ...options.rules];
    this.#parse = options.parse ?? ((source) => parse(source));
    this.#requestLimits = options.requestLimits;
    this.#maskError = options.maskError;
    this.#label = options.label ?? (() => OTHER_OPERATION);
    this.#unnamed = new RecentCache(options.capacity ?? 1000);
    this.#named = new RecentCache(options.capacity ?? 1000);
  }

  /**
   * Runs the operation and returns its masked result, or returns undefined without running
   * anything when the operation is not one this path takes.
   */
  run(params: OperationParams, context: Context, prepared: PreparedOperation | undefined = this.prepare(params)): ExecutionResult | Promise<ExecutionResult> | undefined {
    if (prepared === undefined) return undefined;
    const runnable = this.#runnable(params, prepared as Entry);
    if (runnable === null) return undefined;
    const refusal = runnable.limits?.refusalOf(params.variables);
    if (refusal) return { errors: [refusal] };
    const compiled = runnable.compiled;
    // Only when the limits refuse every request is nothing compiled, so this is never reached; were
    // it reached, yoga would decide.
    if (compiled === undefined) return undefined;
    let result: ExecutionResult | Promise<ExecutionResult>;
    try {
      result = compiled.query(undefined, context, params.variables ?? undefined);
    } catch (error) {
      return { errors: [this.#maskError(error, context)] };
    }
    if (result instanceof Promise)
      return result.then(
        (settled) => this.#masked(settled, context),
        (error: unknown) => ({ errors: [this.#maskError(error, context)] }),
      );
    return this.#masked(result, context);
  }

  /**
   * The operation as this path keeps it, parsed and labelled once per text (and operation name);
   * undefined when its parameters are ones this path leaves to yoga whatever the operation (an
   * unknown parameter, extensions, a text over the length kept). Pass it to run.
   */
  prepare(params: OperationParams): PreparedOperation | undefined {
    const slot = this.#slotOf(params);
    if (slot === undefined) return undefined;
    const kept = slot.cache.get(slot.key);
    if (kept !== undefined) return kept;
    const operationName = params.operationName || undefined;
    let document: DocumentNode | undefined;
    try {
      document = this.#parse(params.query);
    } catch {
      document = undefined;
    }
    const entry: Entry = { label: this.#label(document, operationName), document, runnable: document === undefined ? null : undefined, kept: false };
    return entry;
  }

  /** Whether this path answers this operation, and remembers it (its next request is answered here without parsing). */
  answers(params: OperationParams): boolean {
    const prepared = this.prepare(params);
    return prepared !== undefined && this.#runnable(params, prepared as Entry) !== null;
  }

  #masked(result: ExecutionResult, context: Context): ExecutionResult {
    if (result.errors === undefined) return result;
    return { ...result, errors: result.errors.map((error) => this.#maskError(error, context)) };
  }

  /** Whether the request's parameters are ones this path takes (whatever its operation). */
  #takes(params: OperationParams): boolean {
    if (params.query.length > MAX_COMPILED_QUERY_LENGTH) return false;
    for (const name in params) if (!KNOWN_PARAMETERS.has(name)) return false;
    // Extensions can ask for things (persisted operations, say) that only yoga's plugins would honour.
    return !(params.extensions && Object.keys(params.extensions).length > 0);
  }

  /** Where an operation this path may take is cached, or undefined when it leaves it to yoga. */
  #slotOf(params: OperationParams): { readonly cache: RecentCache<string, Entry>; readonly key: string } | undefined {
    if (!this.#takes(params)) return undefined;
    const operationName = params.operationName ?? '';
    // The query text alone is the key the common request needs: nothing to build per request.
    if (operationName === '') return { cache: this.#unnamed, key: params.query };
    // A GraphQL name holds no newline, so no two requests share a key.
    if (!GRAPHQL_NAME.test(operationName)) return undefined;
    return { cache: this.#named, key: `${operationName}\n${params.query}` };
  }

  /** What the entry runs, compiled and kept on its first run (the document is then dropped: the cache keeps what it compiled). */
  #runnable(params: OperationParams, entry: Entry): Runnable | null {
    if (entry.runnable === undefined) {
      entry.runnable = (entry.document && this.#compile(entry.document, params.operationName || undefined)) ?? null;
      entry.document = undefined;
    }
    if (!entry.kept) {
      const slot = this.#slotOf(params);
      if (slot) slot.cache.set(slot.key, entry);
      entry.kept = true;
    }
    return entry.runnable;
  }

  #compile(document: DocumentNode, operationName: string | undefined): Runnable | undefined {
    if (validate(this.#schema, document, this.#rules).length > 0) return undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation || operation.operation === OperationTypeNode.SUBSCRIPTION) return undefined;
    // Before compiling: what the limits refuse may be what graphql-jit would take long to compile.
    const limits = this.#requestLimits?.(document, operationName);
    if (limits?.refusesEvery) return { limits, compiled: undefined };
    const compiled = compileQuery(this.#schema, document, operationName);
    return isCompiledQuery(compiled) ? { limits, compiled } : undefined;
  }
}
