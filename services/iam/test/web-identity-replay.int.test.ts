import { createServer } from 'node:https';
import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpsJsonFetcher } from '../src/federation/https-json-fetcher.js';
import { IamService, IdpCommunicationError } from '../src/index.js';
import { makeTestCertificates, startTestIssuer, type TestIssuer } from './oidc-issuer.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, frozenFolds } from './test-service.js';

/** base64url's alphabet, in the order of the values the characters stand for. */
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe.each([...DRIVERS])('a web identity token is accepted once (%s)', (driver) => {
  let service: ServiceUnderTest;
  let idp: TestIssuer;
  let iam: IamService;
  let offsetMs = 0;

  beforeAll(async () => {
    service = await openService(driver);
    idp = await startTestIssuer('replay');
    iam = new IamService({
      streamFolds: frozenFolds(),
      db: service.wardenDb.db,
      keyring: service.iam.core.keyring,
      clock: { now: () => new Date(Date.now() + offsetMs) },
      oidcCaFile: idp.caFile,
      oidcAllowedHosts: ['127.0.0.1'],
    });
  });
  afterAll(async () => {
    await idp.close();
    await service.wardenDb.close();
  });

  async function trustingRole() {
    offsetMs = 0;
    const root = await newAccount(service);
    const provider = await iam.oidcProviders.create(root, { url: idp.issuer, clientIdList: ['sts.amazonaws.com'] });
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider.arn }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
    return { root, role: await iam.roles.create(root, { roleName: 'ci', assumeRolePolicyDocument: JSON.stringify(trust) }) };
  }

  it('whichever base64url spelling its signature is sent in', async () => {
    const { role } = await trustingRole();
    const token = await idp.sign({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com' });
    await iam.webIdentity.assumeRoleWithWebIdentity({ roleArn: role.arn, roleSessionName: 'first', webIdentityToken: token });
    // An RS256 signature is 256 bytes, 342 characters: the last one's 4 low bits are unused, so 16
    // spellings decode to the same signature and all verify.
    const last = BASE64URL.indexOf(token.at(-1)!);
    const spellings = Array.from({ length: 16 }, (_, i) => BASE64URL[(last & ~15) + i]!).filter((character) => character !== token.at(-1));
    expect(spellings).toHaveLength(15);
    for (const [i, character] of spellings.entries()) {
      await expect(iam.webIdentity.assumeRoleWithWebIdentity({ roleArn: role.arn, roleSessionName: `again-${i}`, webIdentityToken: token.slice(0, -1) + character })).rejects.toThrow(/already used/);
    }
  });

  it('also after its session has ended, while the token is past exp but within the skew verification allows', async () => {
    const { root, role } = await trustingRole();
    const now = Math.floor(Date.now() / 1000);
    // 850 s left on the token, a 900 s session: the session ends 50 s after exp, inside the 300 s skew.
    const token = await idp.sign({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com', iat: now, exp: now + 850 });
    await iam.webIdentity.assumeRoleWithWebIdentity({ roleArn: role.arn, roleSessionName: 'one', webIdentityToken: token, durationSeconds: 900 });
    offsetMs = 901_000;
    const { session_id } = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) =>
      trx.selectFrom('sessions').select('session_id').where('account_id', '=', root.accountId).executeTakeFirstOrThrow(),
    );
    expect(await iam.maintenance.expireSession(root.accountId, session_id)).toBe('expired');
    await expect(iam.webIdentity.assumeRoleWithWebIdentity({ roleArn: role.arn, roleSessionName: 'two', webIdentityToken: token })).rejects.toThrow(/already used/);
  });
});

describe("the identity provider fetcher's time limit", () => {
  it('bounds the whole exchange: a server that sends a byte now and then is cut off, not waited for', async () => {
    const certificates = makeTestCertificates();
    const server = createServer({ key: certificates.key, cert: certificates.cert }, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[');
      let sent = 0;
      const drip = setInterval(() => {
        if (++sent >= 20) {
          clearInterval(drip);
          response.end('0]');
        } else response.write(' ');
      }, 200);
      response.on('close', () => clearInterval(drip));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      // Each byte comes well within the 300 ms (an idle timeout never fires); the document takes 4 s.
      await expect(new HttpsJsonFetcher({ extraCaFile: certificates.caFile, timeoutMs: 300, allowedHosts: ['127.0.0.1'] }).fetchJson(`https://127.0.0.1:${port}/slow`, 1024)).rejects.toBeInstanceOf(
        IdpCommunicationError,
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
