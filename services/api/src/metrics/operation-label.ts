import { type DocumentNode, type GraphQLSchema, getOperationAST, Kind, type OperationDefinitionNode } from 'graphql';
import { parseWithinLimits } from '../operation-limits.js';
import { OTHER_OPERATION } from './request-path.js';

/** An operation selecting several distinct root fields: one value, so that combinations cannot multiply the label's values. */
export const SEVERAL_FIELDS_OPERATION = 'several';

/**
 * The `operation` label of a GraphQL request: the root field it selects when that is a field of
 * the schema's root type (aliases and repeats of one field count as that field), `several` for more
 * than one distinct field, `other` for anything else (no operation, a field the schema lacks, a
 * document that does not parse: `document` undefined). It reads only the document and the schema,
 * never which engine runs it, so the compiled path and yoga label the same operation alike; the
 * client's own names (the operation name, aliases) never become a value. The compiled path works
 * it out once per operation text and keeps it with what it compiles (compiled-operations.ts).
 */
export function operationLabelOf(schema: GraphQLSchema, document: DocumentNode | undefined, operationName: string | undefined): string {
  if (document === undefined) return OTHER_OPERATION;
  const operation = getOperationAST(document, operationName);
  if (!operation) return OTHER_OPERATION;
  const fields = rootFieldNames(operation);
  if (fields.size !== 1) return fields.size === 0 ? OTHER_OPERATION : SEVERAL_FIELDS_OPERATION;
  const [field] = fields as unknown as [string];
  const rootType = schema.getRootType(operation.operation);
  return rootType?.getFields()[field] ? field : OTHER_OPERATION;
}

/**
 * The label of an operation the compiled path does not keep (a text over its length, extensions,
 * or a server without that path): parsed for the label alone, within the limits every path parses
 * with, so a document they refuse is labelled without being read.
 */
export function operationLabelOfText(schema: GraphQLSchema, query: string, operationName: string | undefined): string {
  let document: DocumentNode | undefined;
  try {
    document = parseWithinLimits(query);
  } catch {
    document = undefined;
  }
  return operationLabelOf(schema, document, operationName);
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
