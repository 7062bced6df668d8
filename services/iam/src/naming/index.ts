export {
  NAME_LIMITS,
  checkAccountAlias,
  checkDescription,
  checkGroupName,
  checkMaxSessionDuration,
  checkPath,
  checkPolicyName,
  checkRoleName,
  checkRoleSessionName,
  checkUserName,
} from './iam-names.js';
export {
  ACCOUNT_QUOTA_NAMES,
  checkAccountQuota,
  DEFAULT_QUOTAS,
  effectiveQuotas,
  isAccountQuotaName,
  QUOTA_ADJUSTABLE,
  QUOTA_MAXIMUMS,
  withQuotaOverrides,
  type AccountQuotaName,
  type QuotaName,
  type Quotas,
} from './quotas.js';
export type { CheckResult } from './rules.js';
export { TAG_LIMITS, caseSensitiveTags, checkTagKeys, checkTags, tagKeysThatRemove, tagsThatChange, withoutTagKeys, withTags, type CheckTagsOptions, type Tag } from './tags.js';
export { nameKey } from './name-key.js';
