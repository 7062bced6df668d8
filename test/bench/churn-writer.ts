/**
 * The churn benchmark's writer, in a worker thread of its own: told an account (`WriteOrder`), it
 * tags that account's users at a steady rate until told to stop, then answers how many writes
 * landed; then it waits for the next order. Off the load generator's thread, so that signing and
 * sending the writes does not take turns with autocannon's requests in one event loop (a
 * deployment's writers are not its readers' clients either).
 *
 * It sends over node:http with a keep-alive agent, as the AWS SDK for JavaScript does in Node,
 * not with fetch: on this machine the writer shares the two cores with the server and the readers,
 * so whatever its client spends per write is taken from them, and fetch spent more
 * (docs/performance.md).
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { type AccessKey, signed } from './bench-support.js';

/** Whom to write to: a server, an account's key, and how many users (`user0`…) it has. */
export interface WriteOrder {
  readonly url: string;
  readonly key: AccessKey;
  readonly users: number;
}

const { perSecond } = workerData as { perSecond: number };
const TAG_USER = 'mutation($n: String!, $v: String!) { tagUser(input: { userName: $n, tags: [{ key: "rev", value: $v }] }) { __typename } }';
const agent = new Agent({ keepAlive: true });

/** One signed tagUser; resolves once its answer says it landed, rejects otherwise. */
async function tagUser({ url, key, users }: WriteOrder, n: number): Promise<void> {
  const body = JSON.stringify({ query: TAG_USER, variables: { n: `user${n % users}`, v: String(n) } });
  const headers = await signed(url, key, body);
  await new Promise<void>((resolve, reject) => {
    const sent = request(url, { method: 'POST', headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: { tagUser?: { __typename?: string } } };
        if (response.statusCode === 200 && answer.data?.tagUser?.__typename === 'TagUserSuccess') resolve();
        else reject(new Error(`tagUser answered ${response.statusCode}: ${JSON.stringify(answer)}`));
      });
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

let writing: { timer: NodeJS.Timeout; landed: number; inFlight: Set<Promise<void>> } | undefined;
let sent = 0;

parentPort!.on('message', (message: WriteOrder | 'stop') => {
  if (message !== 'stop') {
    const run = { landed: 0, inFlight: new Set<Promise<void>>(), timer: setInterval(() => write(), 1000 / perSecond) };
    const write = () => {
      const landing = tagUser(message, sent++).then(
        () => void run.landed++,
        () => undefined,
      );
      run.inFlight.add(landing);
      void landing.finally(() => run.inFlight.delete(landing));
    };
    writing = run;
    return;
  }
  const run = writing!;
  writing = undefined;
  clearInterval(run.timer);
  void Promise.all(run.inFlight).then(() => parentPort!.postMessage(run.landed));
});
