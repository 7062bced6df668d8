import type { Tag } from '@warden/iam';
import { validationError } from './aws-errors.js';
import type { QueryParameters } from './query-parameters.js';
import { members, type XmlObject, type XmlValue } from './aws-shapes.js';

/** AWS's MaxItems: 1 to 1000, 100 when absent (IAM API reference, every List action). */
export const MAX_ITEMS = 1000;
export const DEFAULT_MAX_ITEMS = 100;

/** A page asked for with `Marker` and `MaxItems`; `after` is the key of the previous page's last item. */
export interface PageRequest {
  readonly after: string | null;
  readonly maxItems: number;
}

export function pageRequest(params: QueryParameters): PageRequest {
  const marker = params.optional('Marker');
  return { after: marker === undefined ? null : keyOfMarker(marker), maxItems: params.integer('MaxItems', 1, MAX_ITEMS) ?? DEFAULT_MAX_ITEMS };
}

/**
 * A page cut from `rows`, fetched with one more than `maxItems` to tell whether more follow, and
 * its paging members: `IsTruncated`, and a `Marker` when more follow. The marker is opaque to
 * the client, as AWS's are: the last item's key in base64url.
 */
export function pageCut<Row>(rows: readonly Row[], page: PageRequest, keyOf: (row: Row) => string): { items: Row[]; paging: XmlObject } {
  const items = rows.slice(0, page.maxItems);
  const truncated = rows.length > page.maxItems;
  return { items, paging: { IsTruncated: truncated, Marker: truncated && items.length > 0 ? markerOf(keyOf(items[items.length - 1]!)) : undefined } };
}

/** A page's result members: the list under `listName`, then the paging members (pageCut). */
export function pageResult<Row>(listName: string, rows: readonly Row[], page: PageRequest, keyOf: (row: Row) => string, shape: (row: Row) => XmlValue): XmlObject {
  const { items, paging } = pageCut(rows, page, keyOf);
  return { [listName]: members(items.map(shape)), ...paging };
}

/** A page of an entity's tags (ListUserTags, ListRoleTags, ListSAMLProviderTags…), each tag's key its marker. */
export function tagsPageResult(tags: readonly Tag[], page: PageRequest): XmlObject {
  return pageResult(
    'Tags',
    tags,
    page,
    (tag) => tag.key,
    (tag) => ({ Key: tag.key, Value: tag.value }),
  );
}

/** For the short lists an operation returns whole (a group's users, a user's keys): the page cut here, in the list's order. */
export function pageOfAll<Row>(rows: readonly Row[], page: PageRequest, keyOf: (row: Row) => string): Row[] {
  const start = page.after === null ? 0 : rows.findIndex((row) => keyOf(row) === page.after) + 1;
  if (page.after !== null && start === 0) throw validationError('The Marker does not continue this list: start again without one.');
  return rows.slice(start, start + page.maxItems + 1);
}

function markerOf(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function keyOfMarker(marker: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw validationError('Invalid Marker: pass the Marker of the previous page as it was returned.');
  return Buffer.from(marker, 'base64url').toString('utf8');
}
