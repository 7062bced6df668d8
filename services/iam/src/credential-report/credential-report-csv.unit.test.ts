import { describe, expect, it } from 'vitest';
import { CREDENTIAL_REPORT_HEADER, credentialReportCsv, type ReportedPrincipal } from './credential-report-csv.js';

const t = (iso: string) => new Date(iso);
const ROOT: ReportedPrincipal = {
  name: '',
  arn: 'arn:aws:iam::123456789012:root',
  createdAt: t('2026-01-01T00:00:00Z'),
  password: { changedAt: t('2026-01-01T00:00:00Z'), lastUsedAt: null },
  mfaActive: true,
  accessKeys: [],
};
const user = (overrides: Partial<ReportedPrincipal>): ReportedPrincipal => ({
  name: 'alice',
  arn: 'arn:aws:iam::123456789012:user/alice',
  createdAt: t('2026-02-03T04:05:06.789Z'),
  password: null,
  mfaActive: false,
  accessKeys: [],
  ...overrides,
});

/** The report's rows as column → value maps. */
function rows(csv: string): Record<string, string>[] {
  const [header, ...lines] = csv.split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [names[index]!, value])));
}

/** Each rule cites the IAM User Guide's "Getting credential reports for your AWS account", "Understanding the report format". */
describe('the credential report CSV', () => {
  it("has AWS's documented header, exactly", () => {
    expect(credentialReportCsv({ root: ROOT, users: [], maxPasswordAgeDays: null }).split('\n')[0]).toBe(
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
        'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
        'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
        'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
    );
    expect(CREDENTIAL_REPORT_HEADER).toHaveLength(22);
  });

  it('the root row: <root_account>, its ARN, password columns not_supported but password_last_used, which is no_information when never used', () => {
    const [root] = rows(credentialReportCsv({ root: ROOT, users: [], maxPasswordAgeDays: 90 }));
    expect(root).toMatchObject({
      user: '<root_account>',
      arn: 'arn:aws:iam::123456789012:root',
      user_creation_time: '2026-01-01T00:00:00+00:00',
      // "The value for the AWS account root user is always not_supported" (password_enabled, password_last_changed, password_next_rotation).
      password_enabled: 'not_supported',
      password_last_used: 'no_information',
      password_last_changed: 'not_supported',
      password_next_rotation: 'not_supported',
      mfa_active: 'true',
    });
  });

  it('a user without a password: password_enabled false, N/A for its use, change and rotation ("N/A (not applicable) when the user does not have a password")', () => {
    const [, alice] = rows(credentialReportCsv({ root: ROOT, users: [user({})], maxPasswordAgeDays: 90 }));
    expect(alice).toMatchObject({
      user: 'alice',
      user_creation_time: '2026-02-03T04:05:06+00:00',
      password_enabled: 'false',
      password_last_used: 'N/A',
      password_last_changed: 'N/A',
      password_next_rotation: 'N/A',
    });
  });

  it('a user with a password: last used or no_information ("the user\'s password has never been used"), last changed, next rotation from MaxPasswordAge', () => {
    const password = { changedAt: t('2026-03-01T12:00:00Z'), lastUsedAt: null };
    const [, never, used] = rows(
      credentialReportCsv({
        root: ROOT,
        users: [user({ password }), user({ name: 'bob', password: { ...password, lastUsedAt: t('2026-03-02T08:30:00Z') } })],
        maxPasswordAgeDays: 90,
      }),
    );
    expect(never).toMatchObject({
      password_enabled: 'true',
      password_last_used: 'no_information',
      password_last_changed: '2026-03-01T12:00:00+00:00',
      password_next_rotation: '2026-05-30T12:00:00+00:00',
    });
    expect(used).toMatchObject({ password_last_used: '2026-03-02T08:30:00+00:00' });
    // No policy that requires rotation: no date to give.
    const [, noRotation] = rows(credentialReportCsv({ root: ROOT, users: [user({ password })], maxPasswordAgeDays: null }));
    expect(noRotation!['password_next_rotation']).toBe('N/A');
  });

  it('no access key: both keys false and N/A ("The user does not have an access key")', () => {
    const [, alice] = rows(credentialReportCsv({ root: ROOT, users: [user({})], maxPasswordAgeDays: null }));
    for (const n of [1, 2]) {
      expect(alice).toMatchObject({
        [`access_key_${n}_active`]: 'false',
        [`access_key_${n}_last_rotated`]: 'N/A',
        [`access_key_${n}_last_used_date`]: 'N/A',
        [`access_key_${n}_last_used_region`]: 'N/A',
        [`access_key_${n}_last_used_service`]: 'N/A',
      });
    }
  });

  it('two keys, the older first: active and used (its date and service namespace), inactive and unused (N/A: "If the user does not have an active access key … N/A", "The access key has never been used")', () => {
    const used = { active: true, createdAt: t('2026-04-01T00:00:00Z'), lastUsedAt: t('2026-04-02T10:00:00Z'), lastUsedAction: 'iam:ListUsers' };
    const unused = { active: false, createdAt: t('2026-04-05T00:00:00Z'), lastUsedAt: null, lastUsedAction: null };
    const [, alice] = rows(credentialReportCsv({ root: ROOT, users: [user({ accessKeys: [unused, used] })], maxPasswordAgeDays: null }));
    expect(alice).toMatchObject({
      access_key_1_active: 'true',
      access_key_1_last_rotated: '2026-04-01T00:00:00+00:00',
      access_key_1_last_used_date: '2026-04-02T10:00:00+00:00',
      // Warden records no region of a use.
      access_key_1_last_used_region: 'N/A',
      access_key_1_last_used_service: 'iam',
      access_key_2_active: 'false',
      access_key_2_last_rotated: 'N/A',
      access_key_2_last_used_date: 'N/A',
      access_key_2_last_used_service: 'N/A',
    });
  });

  it('no signing certificates: cert columns false and N/A', () => {
    const [, alice] = rows(credentialReportCsv({ root: ROOT, users: [user({})], maxPasswordAgeDays: null }));
    expect(alice).toMatchObject({ cert_1_active: 'false', cert_1_last_rotated: 'N/A', cert_2_active: 'false', cert_2_last_rotated: 'N/A' });
  });

  it('quotes a field with a comma (IAM names may hold one), as RFC 4180 does', () => {
    const csv = credentialReportCsv({ root: ROOT, users: [user({ name: 'a,b', arn: 'arn:aws:iam::123456789012:user/a,b' })], maxPasswordAgeDays: null });
    expect(csv.split('\n')[2]).toMatch(/^"a,b","arn:aws:iam::123456789012:user\/a,b",/);
  });
});
