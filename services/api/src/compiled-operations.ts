import { type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema, getOperationAST, OperationTypeNode, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
import { compileQuery, type CompiledQuery, isCompiledQuery } from 'graphql-jit';
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
 * anything that does not parse or validate, a subscription, unknown request parameters, an
 * operation name that is not a GraphQL name, or a request over a limit that depends on its
 * variables. Yoga answers those, with its own errors. A test runs a corpus through both paths and
 * compares the answers.
 */
export interface OperationParams {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>> | null;
  readonly operationName?: string | null;
  readonly extensions?: Readonly<Record<string, unknown>> | null;
}

/**
 * Whether requests of a valid operation are within the limits that depend on them: false for none,
 * true for all, or a test of each request's variables. An operation none of whose requests are
 * within them is never compiled.
 */
export type Admits = (document: DocumentNode, operationName: string | undefined) => boolean | ((variables: OperationParams['variables']) => boolean);

export interface CompiledOperationsOptions<Context> {
  readonly schema: GraphQLSchema;
  /** Rules added to GraphQL's specified rules, as the yoga instance adds them. */
  readonly rules: readonly ValidationRule[];
  /** The parser, with the options the yoga instance parses with (graphql's parse by default). */
  readonly parse?: (source: string) => DocumentNode;
  /** The limits that depend on a request (the cost limit, as the yoga instance checks it before executing). */
  readonly admits?: Admits;
  /** The same masking the yoga instance applies to execution errors, given the request's context. */
  readonly maskError: (error: unknown, context: Context) => GraphQLError;
  /** The client's error for variables refused before anything runs (as the yoga instance refuses them), or undefined. */
  readonly refuseVariables?: (variables: OperationParams['variables']) => GraphQLError | undefined;
  /** About how many distinct operations stay compiled (see RecentCache). */
  readonly capacity?: number;
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

/** A compiled operation, with the test of each request against the limits when they depend on its variables. */
interface Runnable {
  readonly compiled: CompiledQuery;
  readonly admits: ((variables: OperationParams['variables']) => boolean) | undefined;
}

export class CompiledOperations<Context> {
  readonly #schema: GraphQLSchema;
  readonly #rules: readonly ValidationRule[];
  readonly #parse: (source: string) => DocumentNode;
  readonly #admits: Admits | undefined;
  readonly #maskError: (error: unknown, context: Context) => GraphQLError;
  readonly #refuseVariables: ((variables: OperationParams['variables']) => GraphQLError | undefined) | undefined;
  /**
   * By query text for unnamed operations, by operation name and query text for named ones (two
   * caches, so no key of one can be taken for a key of the other); null remembers an operation
   * this path leaves to yoga.
   */
  readonly #unnamed: RecentCache<string, Runnable | null>;
  readonly #named: RecentCache<string, Runnable | null>;

  constructor(options: CompiledOperationsOptions<Context>) {
    this.#schema = options.schema;
    this.#rules = [...specifiedRules, ...options.rules];
    this.#parse = options.parse ?? ((source) => parse(source));
    this.#admits = options.admits;
    this.#maskError = options.maskError;
    this.#refuseVariables = options.refuseVariables;
    this.#unnamed = new RecentCache(options.capacity ?? 1000);
    this.#named = new RecentCache(options.capacity ?? 1000);
  }

  /**
   * Runs the operation and returns its masked result, or returns undefined without running
   * anything when the operation is not one this path takes.
   */
  run(params: OperationParams, context: Context): ExecutionResult | Promise<ExecutionResult> | undefined {
    const runnable = this.#compiled(params);
    if (runnable === undefined || (runnable.admits && !runnable.admits(params.variables))) return undefined;
    const compiled = runnable.compiled;
    const refusal = this.#refuseVariables?.(params.variables);
    if (refusal) return { errors: [refusal] };
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

  /** Whether this operation is compiled and cached here (it will run on this path next time). */
  isCompiled(params: OperationParams): boolean {
    const slot = this.#slotOf(params);
    return slot !== undefined && Boolean(slot.cache.get(slot.key));
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
  #slotOf(params: OperationParams): { readonly cache: RecentCache<string, Runnable | null>; readonly key: string } | undefined {
    if (!this.#takes(params)) return undefined;
    const operationName = params.operationName ?? '';
    // The query text alone is the key the common request needs: nothing to build per request.
    if (operationName === '') return { cache: this.#unnamed, key: params.query };
    // A GraphQL name holds no newline, so no two requests share a key.
    if (!GRAPHQL_NAME.test(operationName)) return undefined;
    return { cache: this.#named, key: `${operationName}\n${params.query}` };
  }

  #compiled(params: OperationParams): Runnable | undefined {
    const slot = this.#slotOf(params);
    if (slot === undefined) return undefined;
    let compiled = slot.cache.get(slot.key);
    if (compiled === undefined) {
      compiled = this.#compile(params.query, params.operationName || undefined) ?? null;
      slot.cache.set(slot.key, compiled);
    }
    return compiled ?? undefined;
  }

  #compile(query: string, operationName: string | undefined): Runnable | undefined {
    let document: DocumentNode;
    try {
      document = this.#parse(query);
    } catch {
      return undefined;
    }
    if (validate(this.#schema, document, this.#rules).length > 0) return undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation || operation.operation === OperationTypeNode.SUBSCRIPTION) return undefined;
    // Before compiling: what a limit refuses may be what graphql-jit would take long to compile.
    const admits = this.#admits?.(document, operationName) ?? true;
    if (admits === false) return undefined;
    const compiled = compileQuery(this.#schema, document, operationName);
    return isCompiledQuery(compiled) ? { compiled, admits: admits === true ? undefined : admits } : undefined;
  }
}
