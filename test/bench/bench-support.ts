import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** What the benchmarks that drive a Warden server share: starting processes, signing, calling. */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${output.slice(-500)}`)));
  });
}

export const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

export async function signed(url: string, credentials: { accessKeyId: string; secretAccessKey: string }, body: string): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({ service: 'warden', region: 'us-east-1', credentials, sha256: Sha256 });
  const request = await signer.sign({ method: 'POST', protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: target.pathname, query: {}, headers: { host: target.host, 'content-type': 'application/json' }, body });
  return request.headers as Record<string, string>;
}

export async function graphql(url: string, credentials: { accessKeyId: string; secretAccessKey: string }, query: string, variables: object = {}): Promise<any> {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(url, { method: 'POST', headers: await signed(url, credentials, body), body });
  const json = (await response.json()) as { data?: any; errors?: unknown };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data;
}

