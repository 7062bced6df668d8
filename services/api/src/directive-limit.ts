import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';

/**
 * Bounds how many directives an operation applies, counting a fragment's directives once for each
 * of its spreads (as executing it would meet them). Each named fragment is counted once and the
 * count remembered, so the work is linear in the document's size; a cycle of fragments counts
 * nothing here (NoFragmentCyclesRule refuses it).
 *
 * Not graphql-armor's max-directives: it leaves out the directives written on the second and later
 * spreads of a fragment, so `...F @include(if: true) @skip(if: false)` repeated passes uncounted.
 */
export function directiveLimitRule(maxDirectives: number) {
  return function directiveLimit(context: ValidationContext): ASTVisitor {
    // null while a fragment is being counted: reaching it again is a cycle.
    const fragments = new Map<string, number | null>();

    const ofFragment = (name: string): number => {
      const known = fragments.get(name);
      if (known !== undefined) return known ?? 0;
      const fragment = context.getFragment(name);
      if (!fragment) return 0;
      fragments.set(name, null);
      const count = (fragment.directives?.length ?? 0) + countIn(fragment.selectionSet);
      fragments.set(name, count);
      return count;
    };

    const countIn = (selectionSet: SelectionSetNode): number => {
      let total = 0;
      for (const selection of selectionSet.selections) {
        total += selection.directives?.length ?? 0;
        if (selection.kind === Kind.FRAGMENT_SPREAD) total += ofFragment(selection.name.value);
        else if (selection.selectionSet) total += countIn(selection.selectionSet);
      }
      return total;
    };

    return {
      OperationDefinition(node) {
        let total = (node.directives?.length ?? 0) + countIn(node.selectionSet);
        for (const variable of node.variableDefinitions ?? []) total += variable.directives?.length ?? 0;
        if (total > maxDirectives) {
          context.reportError(new GraphQLError(`The operation applies ${total} directives; the directive limit is ${maxDirectives}.`, { nodes: [node] }));
        }
      },
    };
  };
}
