import {
  isInterfaceType,
  isObjectType,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type NamedTypeNode,
  type OperationTypeNode,
} from 'graphql';

/**
 * The types an operation's selections are on, for the rules that walk a document themselves (the
 * depth and cost limits) rather than through graphql's TypeInfo visitor: they measure each named
 * fragment once, apart from where it is spread. Unknown names give undefined (other rules report
 * them).
 */
export function rootTypeOf(schema: GraphQLSchema, operation: OperationTypeNode): GraphQLNamedType | undefined {
  return schema.getRootType(operation) ?? undefined;
}

export function typeConditionOf(schema: GraphQLSchema, condition: NamedTypeNode | undefined, parentType: GraphQLNamedType | undefined): GraphQLNamedType | undefined {
  return condition ? schema.getType(condition.name.value) : parentType;
}

/** A field of a type, with the introspection fields graphql adds (`__typename`, and `__schema` and `__type` on the query root). */
export function fieldOf(schema: GraphQLSchema, parentType: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parentType !== undefined && parentType === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
}
