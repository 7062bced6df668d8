/**
 * A SAML provider's ARN: `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME` (AWS's shape; roles that
 * trust the provider name it in their trust policy as `{"Federated": ARN}`).
 */
export function samlProviderArn(partition: string, accountId: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:saml-provider/${name}`;
}

const PROVIDER_ARN = /^arn:([^:]+):iam::(\d{12}):saml-provider\/(.+)$/s;

/** The parts of a SAML provider ARN, or undefined when the text is not one. */
export function parseSamlProviderArn(arn: string): { partition: string; accountId: string; name: string } | undefined {
  const match = typeof arn === 'string' ? PROVIDER_ARN.exec(arn) : null;
  return match ? { partition: match[1]!, accountId: match[2]!, name: match[3]! } : undefined;
}

/** The lock key of a provider name in an account: every write that creates or addresses a provider takes it. */
export function samlProviderNameKey(name: string): string {
  return `saml-provider-name/${name}`;
}
