import { describe, expect, it } from 'vitest';
import { allowedServices } from './allowed-services.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/**
 * Which services a report lists (IAM User Guide, "Refining permissions using last accessed
 * information": the services the entity's policies allow), over the services Warden knows: those
 * named, those used, and its own (iam, sts).
 */
describe('allowedServices', () => {
  it('lists the services Allow statements name, and the actions they name without a wildcard', () => {
    const allowed = allowedServices([doc({ Effect: 'Allow', Action: ['s3:GetObject', 'S3:List*', 'ec2:*'], Resource: '*' }, { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' })], []);
    expect([...allowed.services].sort()).toEqual(['dynamodb', 'ec2', 's3']);
    expect([...allowed.namedActions].sort()).toEqual(['dynamodb:GetItem', 's3:GetObject']);
  });

  it('leaves out what only a Deny names', () => {
    expect([...allowedServices([doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, { Effect: 'Deny', Action: 'ec2:*', Resource: '*' })], []).services]).toEqual(['s3']);
  });

  it('gives `*` every known service: its own, and those used', () => {
    expect([...allowedServices([doc({ Effect: 'Allow', Action: '*', Resource: '*' })], ['lambda']).services].sort()).toEqual(['iam', 'lambda', 'sts']);
  });

  it("matches a wildcard service prefix against the known services (sts, one of Warden's own, matches s?s too)", () => {
    expect([...allowedServices([doc({ Effect: 'Allow', Action: 's?s:Send*', Resource: '*' })], ['sqs', 'sns', 's3']).services].sort()).toEqual(['sns', 'sqs', 'sts']);
  });

  it('gives NotAction every known service but those it excludes whole', () => {
    const allowed = allowedServices([doc({ Effect: 'Allow', NotAction: ['iam:*', 's3:DeleteObject'], Resource: '*' })], ['s3']);
    expect([...allowed.services].sort()).toEqual(['s3', 'sts']);
  });

  it('lists nothing for a document that no longer parses', () => {
    expect(allowedServices(['{not json'], ['s3']).services.size).toBe(0);
  });
});
