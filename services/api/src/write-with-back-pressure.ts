import type { ServerResponse } from 'node:http';

/**
 * Writes a chunk of a streamed answer, and when the socket's buffer is full waits for it to drain
 * (or to close: a client gone does not leave the writer waiting), so that a stream is read only as
 * fast as the client takes it and memory does not grow with its length.
 */
export function writeWithBackPressure(response: ServerResponse, chunk: string | Uint8Array): Promise<void> {
  if (response.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const resume = (): void => {
      response.off('drain', resume);
      response.off('close', resume);
      resolve();
    };
    response.once('drain', resume);
    response.once('close', resume);
  });
}
