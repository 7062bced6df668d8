import {
  getNamedType,
  getOperationAST,
  GraphQLError,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { fieldOf, rootTypeOf, typeConditionOf } from './operation-types.js';

export type Variables = Readonly<Record<string, unknown>>;

/**
 * How many items a field's answer holds, read from its arguments (the request's variables
 * substituted), or undefined when nothing says (counted as one). `argument` gives undefined for an
 * absent argument. While only the document is known, a size read from an argument that depends on
 * variables counts as one item, whatever this answers.
 */
export type ListSize = (parentType: GraphQLNamedType, field: GraphQLField<unknown, unknown>, argument: (name: string) => unknown) => number | undefined;

/** What an operation costs, worked out once per document and operation. */
export interface CostPlan {
  /** The cost whatever the variables, or undefined when a list's size comes from them. */
  readonly fixed: number | undefined;
  /** The least any request of this operation costs (each size given by a variable counted as one item). */
  readonly least: number;
  /** The cost of one request of this operation. */
  of(variables: Variables | null | undefined): number;
}

/**
 * Bounds what one operation may ask for: every field selected counts one, once for each item of
 * every sized list around it, and a fragment counts once for each of its spreads. Sizes come from
 * the arguments, so a request is priced with its variables, after validation and before it runs.
 *
 * Each named fragment is priced once per pricing and the price remembered, so the work is linear in
 * the document's size; a fragment that spreads the next one twice doubles the price with each
 * level, which is what such a document is refused for. A cycle of fragments counts nothing here
 * (NoFragmentCyclesRule refuses it).
 *
 * Not graphql-armor's cost-limit: it reads sizes only from `first`/`last` literals, never from
 * variables or from batch and simulation inputs, which are what make Warden's requests expensive.
 */
export class CostLimit {
  readonly #plans = new WeakMap<DocumentNode, Map<string, CostPlan | undefined>>();

  constructor(
    readonly schema: GraphQLSchema,
    readonly maxCost: number,
    readonly listSize: ListSize,
  ) {}

  /**
   * The plan of a document's operation (undefined when the document has no such operation),
   * remembered per document: yoga and the compiled path each keep a document per text.
   */
  planOf(document: DocumentNode, operationName: string | null | undefined): CostPlan | undefined {
    let byName = this.#plans.get(document);
    if (!byName) this.#plans.set(document, (byName = new Map<string, CostPlan | undefined>()));
    const key = operationName ?? '';
    if (byName.has(key)) return byName.get(key);
    const operation = getOperationAST(document, operationName || undefined);
    const plan = operation ? this.#plan(document, operation) : undefined;
    byName.set(key, plan);
    return plan;
  }

  /** The error that refuses a request of this cost, or undefined when it is within the limit. */
  refusal(cost: number): GraphQLError | undefined {
    if (cost <= this.maxCost) return undefined;
    return new GraphQLError(
      `The operation costs ${cost}; the cost limit is ${this.maxCost}. A field counts once for each item of the lists around it (a page's first, a batch's requests, a simulation's action × resource pairs).`,
      // As graphql-yoga marks a validation error, so that this one is answered the same way.
      { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { spec: true, status: 400 } } },
    );
  }

  #plan(document: DocumentNode, operation: OperationDefinitionNode): CostPlan {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const priced = price(this.schema, this.listSize, fragments, operation, undefined);
    const fixed = priced.usesVariables ? undefined : priced.cost;
    const defaults: Record<string, unknown> = {};
    for (const definition of operation.variableDefinitions ?? []) {
      if (definition.defaultValue) defaults[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
    }
    return {
      fixed,
      least: priced.cost,
      of: (variables) => fixed ?? price(this.schema, this.listSize, fragments, operation, { ...defaults, ...variables }).cost,
    };
  }
}

function containsVariable(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(containsVariable);
  if (value.kind === Kind.OBJECT) return value.fields.some((field) => containsVariable(field.value));
  return false;
}

/** A list's size as counted: at least one item, so that what an empty list selects still counts. */
function itemsOf(size: number | undefined): number {
  return size !== undefined && size > 1 ? size : 1;
}

/** Prices an operation; without variables, any size that depends on them counts as one item. */
function price(
  schema: GraphQLSchema,
  listSize: ListSize,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  variables: Variables | undefined,
): { cost: number; usesVariables: boolean } {
  let usesVariables = false;
  let sizeUsesVariables = false;
  // null while a fragment is being priced: reaching it again is a cycle.
  const fragmentCosts = new Map<string, number | null>();

  const argumentReader =
    (node: FieldNode) =>
    (name: string): unknown => {
      const argument = node.arguments?.find((candidate) => candidate.name.value === name);
      if (!argument) return undefined;
      if (variables === undefined && containsVariable(argument.value)) {
        sizeUsesVariables = true;
        return undefined;
      }
      return valueFromASTUntyped(argument.value, variables);
    };

  const sizeOf = (parentType: GraphQLNamedType, field: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined => {
    sizeUsesVariables = false;
    const size = listSize(parentType, field, argumentReader(node));
    if (!sizeUsesVariables) return size;
    usesVariables = true;
    return undefined;
  };

  const ofFragment = (name: string): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known ?? 0;
    const fragment = fragments.get(name);
    if (!fragment) return 0;
    fragmentCosts.set(name, null);
    const cost = ofSelections(fragment.selectionSet, typeConditionOf(schema, fragment.typeCondition, undefined));
    fragmentCosts.set(name, cost);
    return cost;
  };

  const ofSelections = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = fieldOf(schema, parentType, selection.name.value);
        const inner = selection.selectionSet ? ofSelections(selection.selectionSet, field && getNamedType(field.type)) : 0;
        const size = field && parentType ? sizeOf(parentType, field, selection) : undefined;
        cost += 1 + itemsOf(size) * inner;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += ofSelections(selection.selectionSet, typeConditionOf(schema, selection.typeCondition, parentType));
      } else {
        cost += ofFragment(selection.name.value);
      }
    }
    return cost;
  };

  const cost = ofSelections(operation.selectionSet, rootTypeOf(schema, operation.operation));
  return { cost, usesVariables };
}
