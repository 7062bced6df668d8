import { InvalidInputError } from '@warden/iam';

/** Lists page forward by a keyset cursor (the name key); at most 1000 per page, like AWS's MaxItems. */
export const MAX_PAGE = 1000;
/** The page size when a request gives no `first`. */
export const DEFAULT_PAGE = 100;

export function pageSize(args: { first?: number | null }): number {
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw new InvalidInputError(`first must be between 1 and ${MAX_PAGE}.`);
  return first;
}

/** Builds a Relay connection from rows fetched with one extra row to tell whether more follow. */
export function toConnection<T>(rows: readonly T[], first: number, cursorOf: (row: T) => string) {
  const page = rows.slice(0, first);
  return {
    edges: page.map((node) => ({ cursor: cursorOf(node), node })),
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: page.length > 0 ? cursorOf(page[0]!) : null,
      endCursor: page.length > 0 ? cursorOf(page[page.length - 1]!) : null,
    },
  };
}
