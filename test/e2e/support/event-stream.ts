import { signPost } from './execution-paths.js';
import type { Credentials, GraphQLData } from './signed-client.js';

/** One message of a GraphQL-over-SSE stream: `next` with a result, or `complete`. */
export interface StreamMessage {
  readonly event: string;
  readonly data: { data?: GraphQLData; errors?: { message: string }[] } | undefined;
}

export interface EventStream {
  readonly status: number;
  readonly contentType: string | null;
  /** The next message, or undefined when the server ended the stream. */
  next(): Promise<StreamMessage | undefined>;
  /** Goes away as a client that disconnects does. */
  close(): void;
}

/**
 * A subscription over server-sent events, signed as any POST and sent with `Accept:
 * text/event-stream`, read as it arrives (keep-alive comments skipped).
 */
export async function openEventStream(url: string, credentials: Credentials, query: string, variables: Record<string, unknown> = {}): Promise<EventStream> {
  const signed = await signPost(url, credentials, JSON.stringify({ query, variables }), 'application/json', { accept: 'text/event-stream' });
  const abort = new AbortController();
  const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body, signal: abort.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    async next() {
      for (;;) {
        const end = buffered.indexOf('\n\n');
        if (end >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const lines = block.split('\n').filter((line) => !line.startsWith(':'));
          if (lines.length === 0) continue;
          const event =
            lines
              .find((line) => line.startsWith('event:'))
              ?.slice(6)
              .trim() ?? 'message';
          const data = lines
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          return { event, data: data ? (JSON.parse(data) as StreamMessage['data']) : undefined };
        }
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffered += value;
      }
    },
    close() {
      abort.abort();
    },
  };
}
