import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody } from './read-body.js';
import { IamError, type IamService, type SignInInput, type SignInOutcome, SignInThrottledError } from '@warden/iam';

/**
 * The account's sign-in URL for browsers, `/signin/ALIAS` (or `/signin/ACCOUNT_ID`): a plain HTML
 * form posted as `application/x-www-form-urlencoded`, no script. Each step of a sign-in (password,
 * then an MFA code, a new password, or enrolling a device) is the same form with more fields; the
 * password is typed again at each step rather than carried in the page. Success sets the console
 * session's bearer token as a `__Host-` cookie (Secure, HttpOnly, SameSite=Strict, the whole host),
 * which the API at /graphql accepts for same-origin JSON POSTs only (see request-context.ts). A form
 * post from another origin is refused (no signing a browser into someone else's account).
 * A client that asks for JSON (`Accept: application/json`) gets the outcome as JSON instead.
 */
export const SESSION_COOKIE = '__Host-warden_session';

export interface SignInPageOptions {
  readonly path: string;
  readonly iam: IamService;
  readonly requestId: string;
  readonly sourceIp: string | undefined;
  readonly maxBodyBytes: number;
}

export function sessionCookieOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return safeDecode(value.join('='));
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Whether a browser request comes from this server's own pages (no Origin: not a browser's cross-site request). */
export function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface FormState {
  readonly account: string;
  readonly accountFixed: boolean;
  readonly userName?: string;
  readonly email?: string;
  readonly message?: string;
  readonly step?: SignInOutcome;
}

function field(label: string, name: string, type: string, value = '', extra = ''): string {
  return `<label>${escapeHtml(label)}<br><input name="${name}" type="${type}" value="${escapeHtml(value)}" ${extra}></label><br>`;
}

function page(state: FormState): string {
  const step = state.step;
  const parts = [
    '<!doctype html><html><head><meta charset="utf-8"><title>Sign in · Warden</title></head><body>',
    `<h1>Sign in${state.accountFixed ? ` to ${escapeHtml(state.account)}` : ''}</h1>`,
    state.message ? `<p role="alert">${escapeHtml(state.message)}</p>` : '',
    '<form method="post">',
    state.accountFixed ? '' : field('Account (id or alias)', 'account', 'text', state.account, 'required'),
    field('IAM user name', 'userName', 'text', state.userName ?? '', 'autocomplete="username"'),
    field('or root user email', 'email', 'email', state.email ?? ''),
    field('Password', 'password', 'password', '', 'required autocomplete="current-password"'),
    field('MFA code (if you have a device)', 'mfaCode', 'text', '', `inputmode="numeric" autocomplete="one-time-code"${step?.kind === 'mfa-code-required' ? ' required' : ''}`),
  ];
  if (step?.kind === 'password-change-required') parts.push(field('New password', 'newPassword', 'password', '', 'required autocomplete="new-password"'));
  if (step?.kind === 'mfa-enrollment-required') {
    parts.push(
      '<p>Your account requires MFA. Add this key to your authenticator app, then enter two consecutive codes:</p>',
      `<p><code>${escapeHtml(step.device.base32StringSeed)}</code><br><a href="${escapeHtml(step.device.otpauthUri)}">${escapeHtml(step.device.otpauthUri)}</a></p>`,
      `<input type="hidden" name="enrollSerialNumber" value="${escapeHtml(step.device.serialNumber)}">`,
      field('First code', 'authenticationCode1', 'text', '', 'required inputmode="numeric"'),
      field('Next code', 'authenticationCode2', 'text', '', 'required inputmode="numeric"'),
    );
  }
  parts.push('<button type="submit">Sign in</button></form></body></html>');
  return parts.join('\n');
}

const STEP_MESSAGES: Record<Exclude<SignInOutcome['kind'], 'signed-in'>, string> = {
  'mfa-code-required': 'Enter the code your MFA device shows (and your password again).',
  'password-change-required': 'You must choose a new password now (enter your current password again).',
  'mfa-enrollment-required': 'Set up an MFA device to continue.',
};

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): number {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-amzn-requestid': headers['x-amzn-requestid'] ?? '',
    ...headers,
  });
  response.end(body);
  return status;
}

export async function handleSignInPage(request: IncomingMessage, response: ServerResponse, options: SignInPageOptions): Promise<number> {
  const fixed = safeDecode(options.path.slice('/signin/'.length)) ?? '';
  const accountFixed = options.path.startsWith('/signin/') && fixed.length > 0;
  const wantsJson = (request.headers.accept ?? '').includes('application/json');
  const headers = { 'x-amzn-requestid': options.requestId, 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'none'; form-action 'self'" };
  if (request.method === 'GET') return send(response, 200, 'text/html; charset=utf-8', page({ account: fixed, accountFixed }), headers);
  if (request.method !== 'POST') return send(response, 405, 'text/plain; charset=utf-8', 'Use GET for the form and POST to sign in.', { ...headers, allow: 'GET, POST' });
  if (!sameOrigin(request)) return send(response, 403, 'text/plain; charset=utf-8', "Sign in from this server's own sign-in page.", headers);
  if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    return send(response, 415, 'text/plain; charset=utf-8', 'Post the form as application/x-www-form-urlencoded.', headers);
  let form: URLSearchParams;
  try {
    form = new URLSearchParams((await readBody(request, options.maxBodyBytes)).toString('utf8'));
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    return send(response, 413, 'text/plain; charset=utf-8', 'The form is too large.', { ...headers, connection: 'close' });
  }
  const value = (name: string) => {
    const text = form.get(name);
    return text === null || text === '' ? null : text;
  };
  const account = accountFixed ? fixed : (value('account') ?? '');
  const enrollSerialNumber = value('enrollSerialNumber');
  const input: SignInInput = {
    account,
    userName: value('userName'),
    email: value('email'),
    password: form.get('password') ?? '',
    mfaCode: value('mfaCode'),
    newPassword: value('newPassword'),
    mfaEnrollment: enrollSerialNumber ? { serialNumber: enrollSerialNumber, authenticationCode1: value('authenticationCode1') ?? '', authenticationCode2: value('authenticationCode2') ?? '' } : null,
  };
  const state = { account, accountFixed, ...(input.userName ? { userName: input.userName } : {}), ...(input.email ? { email: input.email } : {}) };
  let outcome: SignInOutcome;
  try {
    outcome = await options.iam.signIn.signIn(input, { requestId: options.requestId, sourceIp: options.sourceIp, userAgent: request.headers['user-agent'] });
  } catch (error) {
    if (!(error instanceof IamError)) throw error;
    const status = error instanceof SignInThrottledError ? 429 : error.code === 'InvalidInput' || error.code === 'PasswordPolicyViolation' ? 400 : 401;
    const extra = error instanceof SignInThrottledError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
    if (wantsJson) return send(response, status, 'application/json; charset=utf-8', JSON.stringify({ error: { code: error.code, message: error.message } }), { ...headers, ...extra });
    return send(response, status, 'text/html; charset=utf-8', page({ ...state, message: error.message }), { ...headers, ...extra });
  }
  if (outcome.kind !== 'signed-in') {
    if (wantsJson) return send(response, 200, 'application/json; charset=utf-8', JSON.stringify(outcome), headers);
    return send(response, 200, 'text/html; charset=utf-8', page({ ...state, message: STEP_MESSAGES[outcome.kind], step: outcome }), headers);
  }
  const maxAge = Math.max(0, Math.floor((outcome.session.expiration.getTime() - Date.now()) / 1000));
  // Secure always (browsers treat http://localhost as secure, so local use still works).
  const cookie = `${SESSION_COOKIE}=${encodeURIComponent(outcome.session.token)}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;
  if (wantsJson) {
    const body = { principalArn: outcome.principalArn, mfaAuthenticated: outcome.mfaAuthenticated, token: outcome.session.token, expiration: outcome.session.expiration.toISOString() };
    return send(response, 200, 'application/json; charset=utf-8', JSON.stringify(body), { ...headers, 'set-cookie': cookie });
  }
  const done = `<!doctype html><html><head><meta charset="utf-8"><title>Signed in · Warden</title></head><body><h1>Signed in</h1><p>As ${escapeHtml(outcome.principalArn)}${outcome.mfaAuthenticated ? ', with MFA' : ''}, until ${escapeHtml(outcome.session.expiration.toISOString())}.</p><p>The API at <a href="/graphql">/graphql</a> now accepts this browser's session.</p></body></html>`;
  return send(response, 200, 'text/html; charset=utf-8', done, { ...headers, 'set-cookie': cookie });
}
