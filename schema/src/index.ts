import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './types/scalars.js';
import './types/errors.js';
import './types/tag.js';
import './types/user.js';
import './types/group.js';
import './types/role.js';
import './types/policy.js';
import './types/access-key.js';
import './types/account.js';
import './types/account-summary.js';
import './types/caller-identity.js';
import './types/authorization.js';
import './types/access-history.js';
import './types/audit-event.js';
import './types/audit-settings.js';
import './types/account-export.js';
import './types/credential-report.js';
import './types/access-advisor.js';
import './types/authorization-details.js';
import './types/sts.js';
import './types/password.js';
import './types/mfa.js';
import './types/sign-in.js';
import './types/oidc-provider.js';
import './types/saml-provider.js';
import './types/web-identity.js';
import './types/saml.js';

export type { GraphQLContext } from './context.js';
export { DEFAULT_PAGE } from './types/pagination.js';

/** The executable schema, built once. */
export const schema = builder.toSchema();

/** The schema's SDL, sorted so that the checked-in schema.graphql diffs cleanly. */
export function printWardenSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
