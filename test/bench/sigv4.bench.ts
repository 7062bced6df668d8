/**
 * SigV4 verification cost per request (µs), in process, with the key lookup answered from memory:
 * what authentication costs on the hot path besides the database. Baseline in the same run: hashing
 * the same body once with SHA-256 (the least any verifier must do).
 */
import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { verifySigV4 } from '@warden/api';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const body = JSON.stringify({
  query: 'query($input: AuthorizeInput!) { authorize(input: $input) { __typename } }',
  variables: { input: { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf' } },
});
const now = new Date();
const signer = new SignatureV4({ service: 'warden', region: 'us-east-1', credentials, sha256: Sha256 });
const signed = await signer.sign(
  { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4000, path: '/graphql', query: {}, headers: { host: '127.0.0.1:4000', 'content-type': 'application/json' }, body },
  { signingDate: now },
);
const headers = Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]));
const request = { method: 'POST', path: '/graphql', query: '', headers, body: Buffer.from(body) };
// One object per key, as Warden's credential cache hands out.
const keyMaterial = { ...credentials, active: true };
const options = { service: 'warden', region: 'us-east-1', now, lookupKey: () => Promise.resolve(keyMaterial) };

async function timeIt(label: string, iterations: number, work: () => unknown /* a value or a promise of one */): Promise<number> {
  for (let i = 0; i < 2000; i++) await work();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await work();
  const micros = Number(process.hrtime.bigint() - started) / 1000 / iterations;
  console.log(`  ${label}: ${micros.toFixed(2)} µs`);
  return micros;
}

console.log('SigV4 verification, per request (same run):');
const baseline = await timeIt('baseline: SHA-256 of the body', 50_000, () => createHash('sha256').update(request.body).digest('hex'));
const verify = await timeIt('verifySigV4 (canonical request, string to sign, cached signing key, HMAC, body hash)', 50_000, () => verifySigV4(request, options));
console.log(`  ratio: ${(verify / baseline).toFixed(1)}× the bare body hash`);
