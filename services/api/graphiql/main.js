// GraphiQL for Warden, bundled at build time (vite.graphiql.config.js) and served by Warden itself
// from dist/graphiql: no script or style from anywhere but this origin.
//
// How a request is authenticated, in the order the server tries:
// - the headers pane: `{"Authorization": "Bearer TOKEN"}` with a console session's token;
// - the headers pane: `{"X-Warden-Access-Key-Id": "AKIA…", "X-Warden-Secret-Access-Key": "…",
//   "X-Warden-Session-Token": "…"}`: this page signs each request with SigV4 (service `warden`, the
//   server's region) in the browser, and sends the signature, never the secret;
// - otherwise the session cookie the sign-in page set (same origin only).
import { Sha256 } from '@aws-crypto/sha256-js';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { SignatureV4 } from '@smithy/signature-v4';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './page.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

const KEY_ID = 'x-warden-access-key-id';
const SECRET = 'x-warden-secret-access-key';
const TOKEN = 'x-warden-session-token';

const settings = JSON.parse(document.getElementById('warden-graphiql-settings').textContent);

/** fetch, signing with SigV4 when the headers carry a key (which then never leaves this page). */
async function signingFetch(input, init) {
  const headers = Object.fromEntries(Object.entries(init.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
  const accessKeyId = headers[KEY_ID];
  const secretAccessKey = headers[SECRET];
  const sessionToken = headers[TOKEN];
  delete headers[KEY_ID];
  delete headers[SECRET];
  delete headers[TOKEN];
  if (!accessKeyId || !secretAccessKey) return fetch(input, { ...init, headers });
  const url = new URL(String(input), window.location.href);
  const signer = new SignatureV4({
    service: 'warden',
    region: settings.region,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: init.method ?? 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { ...headers, host: url.host },
    body: init.body,
  });
  const { host: _host, ...sent } = signed.headers;
  return fetch(input, { ...init, headers: sent, credentials: 'omit' });
}

const fetcher = createGraphiQLFetcher({ url: settings.endpoint, fetch: signingFetch });

createRoot(document.getElementById('graphiql')).render(
  createElement(GraphiQL, {
    fetcher,
    defaultQuery: settings.defaultQuery,
    defaultHeaders: settings.defaultHeaders,
  }),
);
