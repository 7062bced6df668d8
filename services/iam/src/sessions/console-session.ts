/**
 * A console session: what signing in opens, a temporary credential presented as a bearer token
 * (`ACCESS_KEY_ID.SESSION_TOKEN`) instead of a SigV4 signature.
 */
export interface ConsoleSession {
  readonly sessionId: string;
  /** `Authorization: Bearer TOKEN`. Shown once; only its hash is stored. */
  readonly token: string;
  readonly expiration: Date;
}

export function consoleToken(accessKeyId: string, sessionToken: string): string {
  return `${accessKeyId}.${sessionToken}`;
}

/** The parts of a console bearer token, or undefined when it is not one. */
export function parseConsoleToken(token: string): { accessKeyId: string; sessionToken: string } | undefined {
  const match = /^(ASIA[A-Z0-9]{16})\.([A-Za-z0-9+/=_-]{20,200})$/.exec(token);
  return match ? { accessKeyId: match[1]!, sessionToken: match[2]! } : undefined;
}
