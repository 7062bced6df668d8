import type { Account, Caller, IamService } from '@warden/iam';
import { JsonRequestError } from './json-errors.js';

/** The target prefix of Organizations' operations: `X-Amz-Target: AWSOrganizationsV20161128.ListAccounts`. */
export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.';

type Json = Record<string, unknown>;

/** One Organizations operation: its JSON input read into the IamService operation GraphQL also calls, and AWS's output shape. */
type OrganizationsAction = (iam: IamService, caller: Caller, input: Json) => Promise<Json>;

/**
 * An account as Organizations' `Account` shape gives it: `State` (ACTIVE or CLOSED; AWS retired
 * `Status` in September 2026), times as epoch seconds as JSON protocols send them, and no `Email`,
 * which Warden does not keep. The ARN is Warden's organizations ARN, whose resource is
 * `account/ID` (AWS's adds the organization's id, which Warden has none of).
 */
function accountShape(caller: Caller, account: Account): Json {
  const partition = caller.arn.split(':')[1];
  return {
    Id: account.accountId,
    Arn: `arn:${partition}:organizations::${caller.accountId}:account/${account.accountId}`,
    Name: account.name,
    State: account.status,
    JoinedMethod: 'CREATED',
    JoinedTimestamp: account.createdAt.getTime() / 1000,
  };
}

function stringField(input: Json, name: string, required: true): string;
function stringField(input: Json, name: string, required: false): string | undefined;
function stringField(input: Json, name: string, required: boolean): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    if (required) throw new JsonRequestError('ValidationException', 400, `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof value !== 'string') throw new JsonRequestError('SerializationException', 400, `${name} must be a string.`);
  return value;
}

/** AWS: ListAccounts' MaxResults is 1 to 20; without it, a page of up to 20. */
const MAX_RESULTS = 20;

const listAccounts: OrganizationsAction = async (iam, caller, input) => {
  const max = input['MaxResults'] ?? MAX_RESULTS;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
    throw new JsonRequestError('InvalidInputException', 400, `MaxResults must be a whole number from 1 to ${MAX_RESULTS}.`);
  }
  // The token is the last account id of the page before: the listing's own keyset cursor.
  const after = stringField(input, 'NextToken', false);
  if (after !== undefined && !/^\d{12}$/.test(after)) throw new JsonRequestError('InvalidInputException', 400, 'The NextToken is not valid.');
  const accounts = await iam.accounts.list(caller, {}, { after: after ?? null, first: max + 1 });
  const page = accounts.slice(0, max);
  return { Accounts: page.map((account) => accountShape(caller, account)), ...(accounts.length > max ? { NextToken: page.at(-1)!.accountId } : {}) };
};

const describeAccount: OrganizationsAction = async (iam, caller, input) => ({ Account: accountShape(caller, await iam.accounts.describe(caller, stringField(input, 'AccountId', true))) });

const closeAccount: OrganizationsAction = async (iam, caller, input) => {
  await iam.accounts.close(caller, stringField(input, 'AccountId', true));
  return {};
};

/** The operations this front answers, by AWS's names. */
export const ORGANIZATIONS_ACTIONS: Readonly<Record<string, OrganizationsAction>> = {
  ListAccounts: listAccounts,
  DescribeAccount: describeAccount,
  CloseAccount: closeAccount,
};

export function organizationsActionOf(target: string | undefined): { name: string; run: OrganizationsAction } | undefined {
  if (!target?.startsWith(ORGANIZATIONS_TARGET_PREFIX)) return undefined;
  const name = target.slice(ORGANIZATIONS_TARGET_PREFIX.length);
  const run = Object.hasOwn(ORGANIZATIONS_ACTIONS, name) ? ORGANIZATIONS_ACTIONS[name] : undefined;
  return run && { name, run };
}
