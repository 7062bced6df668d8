import { readFile } from 'node:fs/promises';
import type { AccessLog } from './access-log.js';
import { type HttpExchange, logExchange } from './http-exchange.js';
import { graphQLErrorBody, sendJson } from './json-response.js';

/**
 * GraphiQL, as Warden serves it: the page at `GET /graphql` for a browser, and the script and
 * styles it loads, bundled from npm's `graphiql` at build time (graphiql/main.js,
 * vite.graphiql.config.js) into dist/graphiql. Nothing comes from another origin, and the page's
 * Content-Security-Policy says so: a third-party script on the origin that holds the session cookie
 * could act as whoever signed in.
 */
const ASSETS = new URL('../dist/graphiql/', import.meta.url);

export const GRAPHIQL_ASSET_PATHS: Readonly<Record<string, { file: string; type: string }>> = {
  '/graphiql/graphiql.js': { file: 'graphiql.js', type: 'text/javascript; charset=utf-8' },
  '/graphiql/graphiql.css': { file: 'graphiql.css', type: 'text/css; charset=utf-8' },
};

/** Only this origin; inline style attributes set by script (CodeMirror's) are CSSOM and need no grant. */
export const GRAPHIQL_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

const DEFAULT_QUERY = `# Warden's GraphQL API. Signed in on /signin, this page sends your session cookie.
# Or paste credentials in the Headers pane below:
#   {"Authorization": "Bearer TOKEN"}
#   {"X-Warden-Access-Key-Id": "AKIA…", "X-Warden-Secret-Access-Key": "…"}
# (a key is used to sign each request with SigV4 in this page; the secret is never sent).
{
  callerIdentity {
    account
    arn
  }
}
`;

/** The page: the settings the script reads, the styles and the script, all from this origin. */
function page(region: string): string {
  // JSON inside a script element: `<` escaped, so no value can close the element.
  const settings = JSON.stringify({ endpoint: '/graphql', region, defaultQuery: DEFAULT_QUERY }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warden GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.css">
<script id="warden-graphiql-settings" type="application/json">${settings}</script>
<script type="module" src="/graphiql/graphiql.js"></script>
</head>
<body>
<div id="graphiql"></div>
</body>
</html>
`;
}

export function serveGraphiQLPage(exchange: HttpExchange, region: string, accessLog: AccessLog): void {
  const body = page(region);
  exchange.response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'content-security-policy': GRAPHIQL_CSP,
    ...SECURITY_HEADERS,
  });
  exchange.response.end(body);
  logExchange(accessLog, exchange, 200);
}

const loaded = new Map<string, Promise<Buffer | undefined>>();

function asset(file: string): Promise<Buffer | undefined> {
  let content = loaded.get(file);
  if (!content) {
    content = readFile(new URL(file, ASSETS)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    loaded.set(file, content);
  }
  return content;
}

export async function serveGraphiQLAsset(exchange: HttpExchange, accessLog: AccessLog): Promise<void> {
  const entry = GRAPHIQL_ASSET_PATHS[exchange.path]!;
  const content = exchange.request.method === 'GET' || exchange.request.method === 'HEAD' ? await asset(entry.file) : undefined;
  if (!content) {
    const status = exchange.request.method === 'GET' || exchange.request.method === 'HEAD' ? 404 : 405;
    sendJson(
      exchange.response,
      status,
      graphQLErrorBody(status === 404 ? 'GraphiQL is not built: run npm run build.' : 'GraphiQL assets are read with GET.', status === 404 ? 'NOT_FOUND' : 'METHOD_NOT_ALLOWED'),
    );
    logExchange(accessLog, exchange, status);
    return;
  }
  exchange.response.writeHead(200, { 'content-type': entry.type, 'content-length': String(content.length), 'cache-control': 'no-cache', ...SECURITY_HEADERS });
  exchange.response.end(exchange.request.method === 'HEAD' ? undefined : content);
  logExchange(accessLog, exchange, 200);
}
