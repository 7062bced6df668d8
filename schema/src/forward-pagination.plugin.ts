import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';

/**
 * Lists page forward only, by a keyset cursor (`first`, `after`), as AWS's own lists do (Marker and
 * MaxItems). The relay plugin gives every `t.connection` field `before` and `last` as well, with no
 * option to leave them out; this plugin removes them, so the schema offers only what is served.
 * Relay's connection spec allows forward arguments alone ("forward pagination arguments, backward
 * pagination arguments, or both").
 */
const pluginName = 'forwardPagination';

/** A field the relay plugin made a connection: it has all four of its arguments. */
const RELAY_ARGUMENTS = ['before', 'after', 'first', 'last'] as const;

export class ForwardPaginationPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (!RELAY_ARGUMENTS.every((name) => name in fieldConfig.args)) return fieldConfig;
    const { before: _before, last: _last, ...args } = fieldConfig.args;
    return { ...fieldConfig, args };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      forwardPagination: ForwardPaginationPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin(pluginName, ForwardPaginationPlugin);

export default pluginName;
