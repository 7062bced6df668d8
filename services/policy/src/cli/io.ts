import { fstatSync, readFileSync } from 'node:fs';

/** The streams a CLI command uses, injected so that tests run commands in-process. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/**
 * All of a stream's text. Standard input redirected from a file is read whole at its known size:
 * one buffer, decoded once, with no chunks to copy together first (the input of `evaluate` can be
 * tens of megabytes).
 */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const fd = (stream as { readonly fd?: unknown }).fd;
  if (typeof fd === 'number' && fstatSync(fd).isFile()) return readFileSync(fd, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/** Exit codes: 0 success, 1 the input has errors (invalid policy), 2 the command was misused. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
