import { getNamedType, getNullableType, GraphQLError, isIntrospectionType, isListType, Kind, type ASTVisitor, type GraphQLNamedType, type SelectionSetNode, type ValidationContext } from 'graphql';
import { fieldOf, rootTypeOf, typeConditionOf } from './operation-types.js';

/** How far an operation's selections reach: field levels, and introspection lists within one another. */
interface Reach {
  readonly depth: number;
  readonly introspectionLists: number;
}

const NOWHERE: Reach = { depth: 0, introspectionLists: 0 };

/**
 * Bounds how deep an operation may nest (`Group.users → User …`), so that one request cannot ask
 * for an unbounded amount of work.
 *
 * Each named fragment is measured once and its reach remembered, so the work is linear in the
 * document's size: measuring it again for every spread doubles the work with each level of a
 * fragment that spreads the next one twice. A cycle of fragments counts nothing here (GraphQL's
 * NoFragmentCyclesRule refuses it).
 *
 * Introspection is measured apart. `ofType` chains return one object per level, and tools ask for
 * as many levels as they like (graphql-js's typeDepth), so on introspection types only lists count
 * as levels; and those lists may nest `maxIntrospectionLists` deep (the full introspection query
 * nests types, their fields and the fields' arguments), since each list nested inside another
 * multiplies the answer. graphql-armor's max-depth rule skips `__schema` altogether, which leaves
 * that multiplication unbounded, hence this rule; graphql's own MaxIntrospectionDepthRule counts
 * only `fields`, `interfaces`, `possibleTypes` and `inputFields`, so that
 * `types { fields { args { type { fields { args` passes it.
 */
export function depthLimitRule(maxDepth: number, maxIntrospectionLists = 3) {
  return function depthLimit(context: ValidationContext): ASTVisitor {
    const schema = context.getSchema();
    // null while a fragment is being measured: reaching it again is a cycle.
    const fragments = new Map<string, Reach | null>();

    const ofFragment = (name: string): Reach => {
      const known = fragments.get(name);
      if (known !== undefined) return known ?? NOWHERE;
      const fragment = context.getFragment(name);
      if (!fragment) return NOWHERE;
      fragments.set(name, null);
      const reach = measure(fragment.selectionSet, typeConditionOf(schema, fragment.typeCondition, undefined));
      fragments.set(name, reach);
      return reach;
    };

    const measure = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined): Reach => {
      let depth = 0;
      let introspectionLists = 0;
      for (const selection of selectionSet.selections) {
        let reach: Reach;
        if (selection.kind === Kind.FIELD) {
          const field = fieldOf(schema, parentType, selection.name.value);
          const inner = selection.selectionSet ? measure(selection.selectionSet, field && getNamedType(field.type)) : NOWHERE;
          const introspective = parentType !== undefined && isIntrospectionType(parentType);
          const list = field !== undefined && isListType(getNullableType(field.type));
          reach = {
            depth: inner.depth + (introspective && !list ? 0 : 1),
            introspectionLists: inner.introspectionLists + (introspective && list ? 1 : 0),
          };
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          reach = measure(selection.selectionSet, typeConditionOf(schema, selection.typeCondition, parentType));
        } else {
          reach = ofFragment(selection.name.value);
        }
        depth = Math.max(depth, reach.depth);
        introspectionLists = Math.max(introspectionLists, reach.introspectionLists);
      }
      return { depth, introspectionLists };
    };

    return {
      OperationDefinition(node) {
        const reach = measure(node.selectionSet, rootTypeOf(schema, node.operation));
        if (reach.depth > maxDepth) {
          context.reportError(new GraphQLError(`The operation nests ${reach.depth} levels deep; the depth limit is ${maxDepth}.`, { nodes: [node] }));
        }
        if (reach.introspectionLists > maxIntrospectionLists) {
          context.reportError(
            new GraphQLError(`The operation nests introspection lists ${reach.introspectionLists} deep; the introspection depth limit is ${maxIntrospectionLists}.`, { nodes: [node] }),
          );
        }
      },
    };
  };
}
