/**
 * The churn benchmark's writer, in a worker thread of its own: it tags users at a steady rate
 * until told to stop, then answers how many writes landed. Off the load generator's thread, so that
 * signing and sending the writes does not take turns with autocannon's requests in one event loop
 * (a deployment's writers are not its readers' clients either).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type AccessKey, graphql } from './bench-support.js';

interface WriterOptions {
  readonly url: string;
  readonly key: AccessKey;
  readonly users: number;
  readonly perSecond: number;
}

const { url, key, users, perSecond } = workerData as WriterOptions;
const TAG_USER = 'mutation($n: String!, $v: String!) { tagUser(input: { userName: $n, tags: [{ key: "rev", value: $v }] }) { __typename } }';

let sent = 0;
let landed = 0;
const inFlight = new Set<Promise<void>>();
const timer = setInterval(() => {
  const n = sent++;
  const write = graphql(url, key, TAG_USER, { n: `user${n % users}`, v: String(n) }).then(
    () => void landed++,
    () => undefined,
  );
  inFlight.add(write);
  void write.finally(() => inFlight.delete(write));
}, 1000 / perSecond);

parentPort!.once('message', () => {
  clearInterval(timer);
  void Promise.all(inFlight).then(() => parentPort!.postMessage(landed));
});
