import { RecentCache } from './recent-cache.js';

/** The two media types yoga answers a single, non-streamed result in. */
export type ResponseMediaType = 'application/graphql-response+json' | 'application/json';

/**
 * The media type yoga answers one operation's result in, for a request's Accept header, or
 * undefined when yoga would answer otherwise: an event stream, a multipart body, or 406 when it
 * can serve nothing the client accepts. The media type decides the status (see http-answer.ts), so
 * a JSON POST answered outside yoga.fetch must negotiate exactly as yoga does; one it would not
 * answer in JSON is left to yoga.fetch.
 *
 * Yoga's rule (graphql-yoga's useResultProcessors and getMediaTypesForRequestInOrder, not
 * exported): no Accept is `*\/*`; parameters other than the charset are ignored, q-values included,
 * and an entry whose charset is not utf-8 is dropped; the earliest entry that matches either JSON
 * type wins, over any event-stream or multipart entry; and an entry that matches both (a wildcard)
 * is answered in application/json. A test compares this with yoga.fetch.
 */
export function responseMediaTypeOf(accept: string | undefined): ResponseMediaType | undefined {
  // A client sends the same Accept with each request: negotiated once per distinct header.
  const header = accept === undefined || accept === '' ? '*/*' : accept;
  const known = negotiated.get(header);
  if (known !== undefined) return known ?? undefined;
  const mediaType = negotiate(header);
  negotiated.set(header, mediaType ?? null);
  return mediaType;
}

/** By Accept header; null remembers one that yoga answers otherwise. Headers are bounded by Node's header size limit. */
const negotiated = new RecentCache<string, ResponseMediaType | null>(256);

function negotiate(header: string): ResponseMediaType | undefined {
  for (const entry of header.replace(/\s/g, '').toLowerCase().split(',')) {
    const [mediaType = '', ...parameters] = entry.split(';');
    const charset = parameters.find((parameter) => parameter.includes('charset=')) ?? 'charset=utf-8';
    if (charset !== 'charset=utf-8') continue;
    if (matches(mediaType, 'application/json')) return 'application/json';
    if (matches(mediaType, 'application/graphql-response+json')) return 'application/graphql-response+json';
  }
  return undefined;
}

/** Whether an accepted media type (`type/subtype`, either of which may be `*`) admits this one. */
function matches(accepted: string, mediaType: string): boolean {
  const [type, subtype] = accepted.split('/');
  const [wantedType, wantedSubtype] = mediaType.split('/');
  return (type === '*' || type === wantedType) && (subtype === '*' || subtype === wantedSubtype);
}
