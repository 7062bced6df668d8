import { AuthenticationError } from './authenticate.js';

/**
 * IAM is a global service: AWS signs its requests for us-east-1, whatever endpoint they reach,
 * and its requests' aws:RequestedRegion is us-east-1 (IAM User Guide, "AWS global condition
 * context keys", aws:RequestedRegion: "requests to IAM ... are in us-east-1").
 */
export const IAM_REGION = 'us-east-1';

/**
 * AWS's region names: a partition's prefix, a geography or two, a number (us-east-1, eu-west-3,
 * ap-southeast-2, us-gov-west-1, us-isob-east-1, cn-north-1, eusc-de-east-1).
 */
const REGION_NAME = /^[a-z]{2,4}(?:-[a-z]+){1,2}-\d{1,2}$/;

/**
 * aws:RequestedRegion, decided in one place for every front and every way of authenticating:
 * - `iam` (the Query front's IAM): us-east-1, IAM being global (and signed for nowhere else);
 * - `sts` (the Query front's STS): the region of the endpoint the request was sent to, which is
 *   the region it was signed for (STS is regional), and which must be a region name: AWS refuses
 *   a credential scoped to anything else as SignatureDoesNotMatch ("Credential should be scoped to
 *   a valid region");
 * - `warden` (GraphQL, Warden's own API, signed or by console session): Warden's region,
 *   WARDEN_REGION, which a signed GraphQL request must also be signed for.
 *
 * @throws {AuthenticationError} INVALID_CREDENTIAL_SCOPE for an STS request signed for no region name.
 */
export function requestedRegion(service: string, signedRegion: string, wardenRegion: string): string {
  if (service === 'iam') return IAM_REGION;
  if (service === 'sts') {
    if (!REGION_NAME.test(signedRegion)) throw new AuthenticationError('Credential should be scoped to a valid region.', 'INVALID_CREDENTIAL_SCOPE');
    return signedRegion;
  }
  return wardenRegion;
}
