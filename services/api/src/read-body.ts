import type { IncomingMessage } from 'node:http';

/** A request body, read once and whole, up to a limit (beyond it: BodyTooLargeError, and the rest is discarded as it arrives). */
export class BodyTooLargeError extends Error {}

export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLargeError());
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Too large: answer at once (the caller sends 413 with Connection: close) and discard the
      // rest as it comes. Destroying the request here would cut the connection before the 413.
      chunks.length = 0;
      reject(new BodyTooLargeError());
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
