/**
 * What answered a request, as the `path` label of the request metrics: one of a fixed few, so the
 * label's values are bounded whatever a client sends.
 * - `compiled`: a GraphQL operation on the compiled path (compiled-operations.ts);
 * - `yoga`: a GraphQL request yoga answered (its per-operation pipeline or yoga.fetch);
 * - `aws-query`: AWS's Query protocol at `/`;
 * - `sign-in`: the console sign-in page;
 * - `health`: the health probes;
 * - `other`: everything else (GraphiQL, 404s, a GraphQL request refused before an engine ran it).
 */
export type RequestPath = 'compiled' | 'yoga' | 'aws-query' | 'sign-in' | 'health' | 'other';

/** The operation label when the request names none that is known (or before one is known). */
export const OTHER_OPERATION = 'other';
