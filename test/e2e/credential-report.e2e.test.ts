import {
  CreateUserCommand,
  CredentialReportNotPresentException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  PutUserPolicyCommand,
  CreateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { RunningWarden } from '@warden/api';
import { CREDENTIAL_REPORT_HEADER } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, toolMissing } from './support/external-tool.js';
import { rejection } from './support/rejection.js';
import type { Credentials } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const GENERATE = 'mutation { generateCredentialReport { __typename ... on GenerateCredentialReportSuccess { data { state description } } ... on Error { code } } }';
const REPORT = '{ credentialReport { __typename ... on CredentialReportSuccess { data { content reportFormat generatedTime } } ... on Error { code message } } }';
/** AWS's header, as the IAM User Guide's "Getting credential reports for your AWS account" lists the columns. */
const AWS_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
  'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
  'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

const noCli = await toolMissing('the AWS CLI', 'aws', ['--version']);

/**
 * The credential report over both fronts: GraphQL's generateCredentialReport / credentialReport,
 * and AWS's GenerateCredentialReport / GetCredentialReport over the Query front with the SDK v3
 * and the AWS CLI (the content base64-encoded, ReportFormat text/csv, GeneratedTime).
 */
describe.each([...DRIVERS])('the credential report over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  let endpoint: string;
  const iamClient = (as: Credentials) => new IAMClient({ endpoint, region: 'us-east-1', credentials: as, maxAttempts: 1 });

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    endpoint = new URL('/', warden.url).href;
  });
  afterAll(async () => {
    await warden.close();
  });

  it('GraphQL: credentialReport is CredentialReportNotPresentError before any; generateCredentialReport until COMPLETE; then the CSV', async () => {
    const { root, accountId } = await newTenant(warden);
    await root.data('mutation { createUser(input: { userName: "gql-user" }) { __typename } }');
    const before = await root.data<{ credentialReport: { __typename: string } }>(REPORT);
    expect(before.credentialReport.__typename).toBe('CredentialReportNotPresentError');
    const states: string[] = [];
    for (;;) {
      const generated = await root.data<{ generateCredentialReport: { data: { state: string } } }>(GENERATE);
      states.push(generated.generateCredentialReport.data.state);
      if (states.at(-1) === 'COMPLETE') break;
      await warden.iam.credentialReports.settled();
    }
    expect(states[0]).toBe('STARTED');
    const report = await root.data<{ credentialReport: { __typename: string; data: { content: string; reportFormat: string; generatedTime: string } } }>(REPORT);
    expect(report.credentialReport.__typename).toBe('CredentialReportSuccess');
    expect(report.credentialReport.data.reportFormat).toBe('text/csv');
    const lines = report.credentialReport.data.content.split('\n');
    expect(lines[0]).toBe(AWS_HEADER);
    expect(lines[1]!.startsWith(`<root_account>,arn:aws:iam::${accountId}:root,`)).toBe(true);
    expect(lines[2]!.startsWith(`gql-user,arn:aws:iam::${accountId}:user/gql-user,`)).toBe(true);
  });

  it('the SDK v3: GetCredentialReportCommand before any is CredentialReportNotPresentException (410); GenerateCredentialReportCommand answers State; the content is the CSV, decoded', async () => {
    const tenant = await newTenant(warden);
    const iam = iamClient(tenant.credentials);
    const missing = await rejection(iam.send(new GetCredentialReportCommand({})));
    expect(missing).toBeInstanceOf(CredentialReportNotPresentException);
    expect(missing.$metadata.httpStatusCode).toBe(410);

    await iam.send(new CreateUserCommand({ UserName: 'sdk-user' }));
    const first = await iam.send(new GenerateCredentialReportCommand({}));
    expect(first.State).toBe('STARTED');
    expect(first.Description).toEqual(expect.any(String));
    await warden.iam.credentialReports.settled();
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
    const report = await iam.send(new GetCredentialReportCommand({}));
    expect(report.ReportFormat).toBe('text/csv');
    expect(report.GeneratedTime).toBeInstanceOf(Date);
    const csv = Buffer.from(report.Content!).toString('utf8');
    const [header, rootRow, userRow] = csv.split('\n');
    expect(header).toBe(AWS_HEADER);
    expect(header!.split(',')).toEqual([...CREDENTIAL_REPORT_HEADER]);
    expect(rootRow).toMatch(new RegExp(`^<root_account>,arn:aws:iam::${tenant.accountId}:root,`));
    expect(userRow).toMatch(new RegExp(`^sdk-user,arn:aws:iam::${tenant.accountId}:user/sdk-user,\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00,false,N/A,N/A,N/A,false,false,N/A`));

    // Authorized as iam:GetCredentialReport: a user allowed only to generate is refused the read.
    await iam.send(new CreateUserCommand({ UserName: 'generator' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'generator', PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GenerateCredentialReport', Resource: '*' }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'generator' }))).AccessKey!;
    const generator = iamClient({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    expect((await generator.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
    const denied = await rejection(generator.send(new GetCredentialReportCommand({})));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
  });

  it.skipIf(noCli)(
    'the AWS CLI: generate-credential-report, then get-credential-report, whose Content decodes to the CSV',
    async () => {
      const { credentials, accountId } = await newTenant(warden);
      const { AWS_SESSION_TOKEN: _token, AWS_PROFILE: _profile, ...rest } = process.env;
      const env = {
        ...rest,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      };
      const aws = (...args: string[]) => run('aws', ['--endpoint-url', endpoint.replace(/\/$/, ''), ...args], env);
      const missing = await aws('iam', 'get-credential-report');
      expect(missing.code).not.toBe(0);
      expect(missing.output).toContain('ReportNotPresent');
      const generated = await aws('iam', 'generate-credential-report', '--query', 'State', '--output', 'text');
      expect(generated, generated.output).toMatchObject({ code: 0 });
      expect(generated.output.trim()).toBe('STARTED');
      await warden.iam.credentialReports.settled();
      const got = await aws('iam', 'get-credential-report', '--query', '[ReportFormat, Content]', '--output', 'text');
      expect(got.code, got.output).toBe(0);
      const [format, content] = got.output.trim().split(/\s+/);
      expect(format).toBe('text/csv');
      const csv = Buffer.from(content!, 'base64').toString('utf8');
      expect(csv.split('\n')[0]).toBe(AWS_HEADER);
      expect(csv.split('\n')[1]).toMatch(new RegExp(`^<root_account>,arn:aws:iam::${accountId}:root,`));
    },
    60_000,
  );
});
