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
        const text = Buffer.concat(chunks).toString('utf8');
        // A body that is not JSON (a proxy's error page, a cut answer) is a write that did not land, not a crash of the thread.
        const answer = (() => {
          try {
            return JSON.parse(text) as { data?: { tagUser?: { __typename?: string } } };
          } catch {
            return undefined;
          }
        })();
        if (response.statusCode === 200 && answer?.data?.tagUser?.__typename === 'TagUserSuccess') resolve();
        else reject(new Error(`tagUser answered ${response.statusCode}: ${text}`));
      });
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

interface Writing {
  readonly timer: NodeJS.Timeout;
  readonly inFlight: Set<Promise<void>>;
  landed: number;
}

let writing: Writing | undefined;
let sent = 0;

/** Writes as `order` says, one tagUser every 1/perSecond s, until `stop`. */
function start(order: WriteOrder): Writing {
  if (writing) throw new Error('the writer is already writing: stop it first');
  const run: Writing = {
    landed: 0,
    inFlight: new Set(),
    timer: setInterval(() => {
      const landing = tagUser(order, sent++).then(
        () => void run.landed++,
        () => undefined,
      );
      run.inFlight.add(landing);
      void landing.finally(() => run.inFlight.delete(landing));
    }, 1000 / perSecond),
  };
  return run;
}

/** Stops writing; answers how many writes landed once every write sent has its answer. */
async function stop(): Promise<number> {
  const run = writing!;
  writing = undefined;
  clearInterval(run.timer);
  await Promise.all(run.inFlight);
  return run.landed;
}

parentPort!.on('message', (message: WriteOrder | 'stop') => {
  if (message !== 'stop') writing = start(message);
  else void stop().then((landed) => parentPort!.postMessage(landed));
});
