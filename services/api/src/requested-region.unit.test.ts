import { describe, expect, it } from 'vitest';
import { AuthenticationError } from './authenticate.js';
import { IAM_REGION, requestedRegion } from './requested-region.js';

describe('aws:RequestedRegion, one rule for both fronts', () => {
  it("is us-east-1 for IAM (a global service), whatever Warden's region", () => {
    expect(requestedRegion('iam', 'us-east-1', 'eu-central-1')).toBe(IAM_REGION);
    expect(IAM_REGION).toBe('us-east-1');
  });

  it("is the signed region for STS (the endpoint's region), when it is a region name", () => {
    for (const region of ['eu-west-3', 'ap-southeast-2', 'us-gov-west-1', 'us-isob-east-1', 'cn-north-1', 'eusc-de-east-1']) expect(requestedRegion('sts', region, 'us-east-1')).toBe(region);
  });

  it('refuses an STS credential scoped to no region name, as AWS does (SignatureDoesNotMatch by its reason)', () => {
    for (const region of ['moon', 'EU-WEST-3', 'eu_west_3', 'eu-west-', '-1', '', 'eu-west-3 ', 'a-b-c-d-1']) {
      expect(() => requestedRegion('sts', region, 'us-east-1'), region).toThrow(AuthenticationError);
      try {
        requestedRegion('sts', region, 'us-east-1');
      } catch (error) {
        expect((error as AuthenticationError).extensions['reason']).toBe('INVALID_CREDENTIAL_SCOPE');
      }
    }
  });

  it("is Warden's region (WARDEN_REGION) for GraphQL, Warden's own API", () => {
    expect(requestedRegion('warden', 'eu-central-1', 'eu-central-1')).toBe('eu-central-1');
  });
});
