import { type DocumentNode, type GraphQLSchema, getOperationAST, Kind, type OperationDefinitionNode } from 'graphql';
import { MAX_COMPILED_QUERY_LENGTH } from '../compiled-operations.js';
import { parseWithinLimits } from '../operation-limits.js';
import { RecentCache } from '../recent-cache.js';
import { OTHER_OPERATION } from './request-path.js';

/** An operation selecting several distinct root fields: one value, so that combinations cannot multiply the label's values. */
export const SEVERAL_FIELDS_OPERATION = 'several';

/**
 * The `operation` label of a GraphQL request: the root field it selects when that is a field of
 * the schema's root type (aliases and repeats of one field count as that field), `several` for more
 * than one distinct field, `other` for anything else (no operation, a field the schema lacks, a
 * document that does not parse). It reads only the document and the schema, never which engine runs
 * it, so the compiled path and yoga label the same operation alike; the client's own names (the
 * operation name, aliases) never become a value.
 */
export class OperationLabels {
  readonly #schema: GraphQLSchema;
  /** By operation name and query text; parsing a document per request would cost what the compiled path saves. */
  readonly #labels = new RecentCache<string, string>(1000);

  constructor(schema: GraphQLSchema) {
    this.#schema = schema;
  }

  of(query: string, operationName: string | null | undefined): string {
    // Longer texts are labelled each time, not kept: the cache's memory is bounded as the compiled path's is.
    if (query.length > MAX_COMPILED_QUERY_LENGTH) return this.#labelOf(query, operationName ?? undefined);
    const key = operationName ? `${operationName}\n${query}` : query;
    let label = this.#labels.get(key);
    if (label === undefined) {
      label = this.#labelOf(query, operationName ?? undefined);
      this.#labels.set(key, label);
    }
    return label;
  }

  #labelOf(query: string, operationName: string | undefined): string {
    let document: DocumentNode;
    try {
      // Within the limits every path parses with: a document they refuse is labelled without being read.
      document = parseWithinLimits(query);
    } catch {
      return OTHER_OPERATION;
    }
    const operation = getOperationAST(document, operationName);
    if (!operation) return OTHER_OPERATION;
    const fields = rootFieldNames(operation);
    if (fields.size !== 1) return fields.size === 0 ? OTHER_OPERATION : SEVERAL_FIELDS_OPERATION;
    const [field] = fields as unknown as [string];
    const rootType = this.#schema.getRootType(operation.operation);
    return rootType?.getFields()[field] ? field : OTHER_OPERATION;
  }
}

/** The root fields an operation selects directly (fragments at the root are not followed: such a request is labelled `other`). */
function rootFieldNames(operation: OperationDefinitionNode): Set<string> {
  const names = new Set<string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return new Set();
    if (selection.name.value !== '__typename') names.add(selection.name.value);
  }
  return names;
}
