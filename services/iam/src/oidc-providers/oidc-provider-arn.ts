/**
 * An OIDC provider's ARN: `arn:PARTITION:iam::ACCOUNT:oidc-provider/URL`, URL being the issuer
 * without `https://` (AWS's shape; the provider is named by it in trust policies as
 * `{"Federated": ARN}`).
 */
export function oidcProviderArn(partition: string, accountId: string, url: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${url}`;
}

const PROVIDER_ARN = /^arn:([^:]+):iam::(\d{12}):oidc-provider\/(.+)$/s;

/** The parts of an OIDC provider ARN, or undefined when the text is not one. */
export function parseOidcProviderArn(arn: string): { partition: string; accountId: string; url: string } | undefined {
  const match = typeof arn === 'string' ? PROVIDER_ARN.exec(arn) : null;
  return match ? { partition: match[1]!, accountId: match[2]!, url: match[3]! } : undefined;
}

/** The lock key of an issuer URL in an account: every write that creates or addresses a provider takes it. */
export function oidcProviderUrlKey(url: string): string {
  return `oidc-provider-url/${url}`;
}
