/**
 * AWS's credential report, as a CSV: the header and each column's values as the IAM User Guide's
 * "Getting credential reports for your AWS account" defines them. Pure: the snapshot and the
 * password policy's maximum age come in, the text goes out.
 */
export const CREDENTIAL_REPORT_HEADER = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

/** AWS names the root user's row so; its ARN is the account's root ARN. */
export const ROOT_ACCOUNT_USER = '<root_account>';

const NOT_APPLICABLE = 'N/A';
const NO_INFORMATION = 'no_information';
const NOT_SUPPORTED = 'not_supported';

export interface ReportedAccessKey {
  readonly active: boolean;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  /** The action of the last use (`iam:GetUser`): its service is the column's namespace. */
  readonly lastUsedAction: string | null;
}

export interface ReportedPrincipal {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: Date;
  /** Null without a password (a login profile, or the root user's login). */
  readonly password: { readonly changedAt: Date; readonly lastUsedAt: Date | null } | null;
  readonly mfaActive: boolean;
  /** At most two (AWS's quota), any order. */
  readonly accessKeys: readonly ReportedAccessKey[];
}

export interface CredentialReportSnapshot {
  readonly root: ReportedPrincipal;
  readonly users: readonly ReportedPrincipal[];
  /** The account password policy's MaxPasswordAge in days; null when no policy makes passwords expire. */
  readonly maxPasswordAgeDays: number | null;
}

/** ISO 8601 to the second with an explicit UTC offset, the form AWS's reports use (2015-06-17T19:11:50+00:00). */
function iso(time: Date): string {
  return `${time.toISOString().slice(0, 19)}+00:00`;
}

/** AWS writes the booleans lower case in the file (its guide prints them upper case). */
const bool = (value: boolean): string => (value ? 'true' : 'false');

/** RFC 4180: a field with a comma, a quote or a line break is quoted (IAM names may hold a comma). */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function passwordColumns(principal: ReportedPrincipal, isRoot: boolean, maxPasswordAgeDays: number | null): string[] {
  const password = principal.password;
  const lastUsed = password === null ? NOT_APPLICABLE : password.lastUsedAt === null ? NO_INFORMATION : iso(password.lastUsedAt);
  if (isRoot) return [NOT_SUPPORTED, lastUsed, NOT_SUPPORTED, NOT_SUPPORTED];
  if (password === null) return [bool(false), NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE];
  const nextRotation = maxPasswordAgeDays === null ? NOT_APPLICABLE : iso(new Date(password.changedAt.getTime() + maxPasswordAgeDays * 86_400_000));
  return [bool(true), lastUsed, iso(password.changedAt), nextRotation];
}

function accessKeyColumns(key: ReportedAccessKey | undefined): string[] {
  if (key === undefined) return [bool(false), NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE];
  const used = key.lastUsedAt !== null;
  return [
    bool(key.active),
    // AWS: "If the user does not have an active access key, the value in this field is N/A".
    key.active ? iso(key.createdAt) : NOT_APPLICABLE,
    used ? iso(key.lastUsedAt) : NOT_APPLICABLE,
    // Warden records the action of a use, not its region.
    NOT_APPLICABLE,
    used && key.lastUsedAction !== null ? (key.lastUsedAction.split(':')[0] ?? NOT_APPLICABLE) : NOT_APPLICABLE,
  ];
}

function row(principal: ReportedPrincipal, isRoot: boolean, maxPasswordAgeDays: number | null): string {
  // Key 1 is the older of the two.
  const keys = [...principal.accessKeys].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const columns = [
    isRoot ? ROOT_ACCOUNT_USER : principal.name,
    principal.arn,
    iso(principal.createdAt),
    ...passwordColumns(principal, isRoot, maxPasswordAgeDays),
    bool(principal.mfaActive),
    ...accessKeyColumns(keys[0]),
    ...accessKeyColumns(keys[1]),
    // Warden has no X.509 signing certificates.
    bool(false),
    NOT_APPLICABLE,
    bool(false),
    NOT_APPLICABLE,
  ];
  return columns.map(field).join(',');
}

/** The report: the header, the root user's row, then one row per IAM user in the order given. */
export function credentialReportCsv(snapshot: CredentialReportSnapshot): string {
  const lines = [CREDENTIAL_REPORT_HEADER.join(','), row(snapshot.root, true, snapshot.maxPasswordAgeDays), ...snapshot.users.map((user) => row(user, false, snapshot.maxPasswordAgeDays))];
  return lines.join('\n');
}
