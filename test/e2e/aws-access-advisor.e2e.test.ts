import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  GenerateServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsWithEntitiesCommand,
  InvalidInputException,
  IAMClient,
  ListUsersCommand,
  NoSuchEntityException,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, toolMissing } from './support/external-tool.js';
import { rejection } from './support/rejection.js';
import type { SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const noCli = await toolMissing('the AWS CLI', 'aws', ['--version']);

/**
 * Access Advisor over the Query front (API reference, GenerateServiceLastAccessedDetails and
 * GetServiceLastAccessedDetails), through the SDK v3 and the AWS CLI: a user's own call is counted
 * for the service and action it used; a service the user's policies allow but that was never used is
 * listed with no LastAuthenticated. And the policy suggestion over GraphQL.
 */
describe.each([...DRIVERS])('Access Advisor over the Query front (%s)', (driver) => {
  let warden: RunningWarden;
  let endpoint: string;
  let accountId: string;
  let root: IAMClient;
  let rootGraphql: SignedClient;
  let cliEnv: NodeJS.ProcessEnv;
  let reader: IAMClient | undefined;
  // The reader's one use, bracketed: its last-accessed time must fall between (to the second).
  let usedFrom: number;
  let usedTo: number;
  const readerArn = () => `arn:aws:iam::${accountId}:user/reader`;

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
    const tenant = await newTenant(warden);
    accountId = tenant.accountId;
    rootGraphql = tenant.root;
    root = new IAMClient({ endpoint, region: 'us-east-1', credentials: tenant.credentials, maxAttempts: 1 });
    const { AWS_SESSION_TOKEN: _token, AWS_PROFILE: _profile, ...rest } = process.env;
    cliEnv = {
      ...rest,
      AWS_ACCESS_KEY_ID: tenant.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: tenant.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    await root.send(new CreateUserCommand({ UserName: 'reader' }));
    await root.send(
      new PutUserPolicyCommand({
        UserName: 'reader',
        PolicyName: 'reads',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:ListUsers', 's3:GetObject'], Resource: '*' }] }),
      }),
    );
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    reader = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, maxAttempts: 1 });
    // The new key is seen by the next request (the account's epoch moved): reader lists users once.
    usedFrom = Date.now();
    await reader.send(new ListUsersCommand({}));
    usedTo = Date.now();
  });
  afterAll(async () => {
    root.destroy();
    reader?.destroy();
    await warden.close();
  });

  it('SDK v3: generates a job, then reads each allowed service with its last use, action by action, a page at a time', async () => {
    const { JobId } = await root.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: readerArn(), Granularity: 'ACTION_LEVEL' }));
    expect(JobId).toMatch(/^[0-9a-f-]{36}$/);
    const all = await root.send(new GetServiceLastAccessedDetailsCommand({ JobId }));
    expect(all).toMatchObject({ JobStatus: 'COMPLETED', JobType: 'ACTION_LEVEL', IsTruncated: false });
    expect(all.JobCompletionDate!.getTime()).toBeGreaterThanOrEqual(all.JobCreationDate!.getTime());
    expect(all.ServicesLastAccessed!.map((service) => service.ServiceNamespace)).toEqual(['iam', 's3']);
    const [iam, s3] = all.ServicesLastAccessed!;
    expect(iam).toMatchObject({ ServiceName: 'AWS Identity and Access Management', LastAuthenticatedEntity: readerArn(), LastAuthenticatedRegion: 'us-east-1', TotalAuthenticatedEntities: 1 });
    expect(iam!.LastAuthenticated!.getTime()).toBeGreaterThanOrEqual(Math.floor(usedFrom / 1000) * 1000);
    expect(iam!.LastAuthenticated!.getTime()).toBeLessThanOrEqual(usedTo);
    expect(iam!.TrackedActionsLastAccessed).toEqual([{ ActionName: 'ListUsers', LastAccessedEntity: readerArn(), LastAccessedRegion: 'us-east-1', LastAccessedTime: iam!.LastAuthenticated }]);
    // s3: allowed, never used.
    expect(s3).toEqual({ ServiceName: 'Amazon S3', ServiceNamespace: 's3', TrackedActionsLastAccessed: [{ ActionName: 'GetObject' }] });

    const first = await root.send(new GetServiceLastAccessedDetailsCommand({ JobId, MaxItems: 1 }));
    expect(first.ServicesLastAccessed!.map((service) => service.ServiceNamespace)).toEqual(['iam']);
    expect(first.IsTruncated).toBe(true);
    const second = await root.send(new GetServiceLastAccessedDetailsCommand({ JobId, MaxItems: 1, Marker: first.Marker }));
    expect(second.ServicesLastAccessed!.map((service) => service.ServiceNamespace)).toEqual(['s3']);
    expect(second.IsTruncated).toBe(false);
  });

  it('SDK v3: an unknown job id or entity is NoSuchEntity, and the caller needs iam:GetServiceLastAccessedDetails', async () => {
    const unknownJob = await rejection(root.send(new GetServiceLastAccessedDetailsCommand({ JobId: '00000000-0000-4000-8000-000000000000' })));
    expect(unknownJob).toBeInstanceOf(NoSuchEntityException);
    expect(unknownJob.$metadata.httpStatusCode).toBe(404);
    expect(await rejection(root.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: `arn:aws:iam::${accountId}:user/nobody` })))).toBeInstanceOf(NoSuchEntityException);
    const { JobId } = await root.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: readerArn() }));
    expect((await rejection(reader!.send(new GetServiceLastAccessedDetailsCommand({ JobId })))).name).toBe('AccessDenied');
  });

  it.skipIf(noCli)('the AWS CLI: generate-service-last-accessed-details, then get-service-last-accessed-details', async () => {
    const base = ['--endpoint-url', endpoint.replace(/\/$/, ''), '--output', 'json', 'iam'];
    const generated = await run('aws', [...base, 'generate-service-last-accessed-details', '--arn', readerArn()], cliEnv);
    expect(generated.code, generated.output).toBe(0);
    const { JobId } = JSON.parse(generated.output) as { JobId: string };
    const got = await run('aws', [...base, 'get-service-last-accessed-details', '--job-id', JobId], cliEnv);
    expect(got.code, got.output).toBe(0);
    const details = JSON.parse(got.output) as {
      JobStatus: string;
      JobType: string;
      ServicesLastAccessed: { ServiceNamespace: string; LastAuthenticated?: string; TotalAuthenticatedEntities?: number }[];
    };
    expect(details).toMatchObject({ JobStatus: 'COMPLETED', JobType: 'SERVICE_LEVEL' });
    expect(details.ServicesLastAccessed.map((service) => [service.ServiceNamespace, service.LastAuthenticated !== undefined, service.TotalAuthenticatedEntities])).toEqual([
      ['iam', true, 1],
      ['s3', false, undefined],
    ]);
  });

  it('GraphQL: policySuggestion proposes exactly the actions used', async () => {
    const now = Date.now();
    const answer = await rootGraphql.data<{ policySuggestion: { __typename: string; data: { actions: string[]; policyDocument: string } } }>(
      `query ($principalArn: String!, $from: DateTime!, $to: DateTime!) {
        policySuggestion(principalArn: $principalArn, from: $from, to: $to) { __typename ... on PolicySuggestionSuccess { data { actions policyDocument } } }
      }`,
      { principalArn: readerArn(), from: new Date(now - 86_400_000).toISOString(), to: new Date(now + 60_000).toISOString() },
    );
    expect(answer.policySuggestion.data.actions).toEqual(['iam:ListUsers']);
    expect(JSON.parse(answer.policySuggestion.data.policyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'UsedIam', Effect: 'Allow', Action: ['iam:ListUsers'], Resource: '*' }],
    });
  });

  it('SDK v3, the AWS CLI and GraphQL: a group report lists its members that could have used a service, the one that did first', async () => {
    await root.send(new CreateGroupCommand({ GroupName: 'listers' }));
    await root.send(new CreateUserCommand({ UserName: 'idle' }));
    for (const UserName of ['reader', 'idle']) await root.send(new AddUserToGroupCommand({ GroupName: 'listers', UserName }));
    await root.send(
      new PutGroupPolicyCommand({
        GroupName: 'listers',
        PolicyName: 'list',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }),
      }),
    );
    const { JobId } = await root.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: `arn:aws:iam::${accountId}:group/listers` }));
    const all = await root.send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId, ServiceNamespace: 'iam' }));
    expect(all).toMatchObject({ JobStatus: 'COMPLETED', IsTruncated: false });
    expect(all.EntityDetailsList!.map((entry) => [entry.EntityInfo!.Name, entry.EntityInfo!.Type, entry.EntityInfo!.Path, entry.EntityInfo!.Arn, entry.LastAuthenticated !== undefined])).toEqual([
      ['reader', 'USER', '/', readerArn(), true],
      ['idle', 'USER', '/', `arn:aws:iam::${accountId}:user/idle`, false],
    ]);
    expect(all.EntityDetailsList![0]!.EntityInfo!.Id).toMatch(/^AIDA[A-Z0-9]{17}$/);
    expect(all.EntityDetailsList![0]!.LastAuthenticated!.getTime()).toBeGreaterThanOrEqual(Math.floor(usedFrom / 1000) * 1000);
    expect(all.EntityDetailsList![0]!.LastAuthenticated!.getTime()).toBeLessThanOrEqual(usedTo);
    // A page at a time, by the Marker.
    const first = await root.send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId, ServiceNamespace: 'iam', MaxItems: 1 }));
    expect(first.EntityDetailsList!.map((entry) => entry.EntityInfo!.Name)).toEqual(['reader']);
    expect(first.IsTruncated).toBe(true);
    const second = await root.send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId, ServiceNamespace: 'iam', MaxItems: 1, Marker: first.Marker }));
    expect(second.EntityDetailsList!.map((entry) => entry.EntityInfo!.Name)).toEqual(['idle']);
    expect(second.IsTruncated).toBe(false);
    // A service the group's policies do not allow: nobody could have used it.
    expect((await root.send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId, ServiceNamespace: 's3' }))).EntityDetailsList).toEqual([]);
    expect(await rejection(root.send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId, ServiceNamespace: 'not a namespace' })))).toBeInstanceOf(InvalidInputException);

    // GraphQL answers the same list.
    const graphql = await rootGraphql.data<{
      serviceLastAccessedDetailsWithEntities: { data: { entityDetailsList: { entityInfo: { arn: string; type: string }; lastAuthenticated: string | null }[] } };
    }>(
      `query ($jobId: String!) {
        serviceLastAccessedDetailsWithEntities(jobId: $jobId, serviceNamespace: "iam") {
          ... on ServiceLastAccessedDetailsWithEntitiesSuccess { data { entityDetailsList { entityInfo { arn type } lastAuthenticated } } }
        }
      }`,
      { jobId: JobId },
    );
    // The Query protocol's times are whole seconds, as AWS's are; GraphQL's DateTime keeps the milliseconds.
    const toSecond = (iso: string | null) => (iso === null ? null : new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString());
    expect(graphql.serviceLastAccessedDetailsWithEntities.data.entityDetailsList.map((entry) => ({ ...entry, lastAuthenticated: toSecond(entry.lastAuthenticated) }))).toEqual(
      all.EntityDetailsList!.map((entry) => ({ entityInfo: { arn: entry.EntityInfo!.Arn, type: entry.EntityInfo!.Type }, lastAuthenticated: entry.LastAuthenticated?.toISOString() ?? null })),
    );

    if (noCli) return;
    const base = ['--endpoint-url', endpoint.replace(/\/$/, ''), '--output', 'json', 'iam'];
    const got = await run('aws', [...base, 'get-service-last-accessed-details-with-entities', '--job-id', JobId!, '--service-namespace', 'iam'], cliEnv);
    expect(got.code, got.output).toBe(0);
    const cli = JSON.parse(got.output) as { JobStatus: string; EntityDetailsList: { EntityInfo: { Name: string; Type: string }; LastAuthenticated?: string }[] };
    expect(cli.JobStatus).toBe('COMPLETED');
    expect(cli.EntityDetailsList.map((entry) => [entry.EntityInfo.Name, entry.EntityInfo.Type, entry.LastAuthenticated !== undefined])).toEqual([
      ['reader', 'USER', true],
      ['idle', 'USER', false],
    ]);
  });
});
