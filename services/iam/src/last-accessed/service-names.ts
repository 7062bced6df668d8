/**
 * ServiceName for a namespace, as AWS's Service Authorization Reference names the services Warden
 * serves and the ones its examples use; another namespace is named by itself.
 */
const NAMES: Readonly<Record<string, string>> = {
  iam: 'AWS Identity and Access Management',
  sts: 'AWS Security Token Service',
  s3: 'Amazon S3',
  ec2: 'Amazon EC2',
  lambda: 'AWS Lambda',
  dynamodb: 'Amazon DynamoDB',
  sqs: 'Amazon SQS',
  sns: 'Amazon SNS',
  kms: 'AWS Key Management Service',
  organizations: 'AWS Organizations',
};

export function serviceName(namespace: string): string {
  return Object.hasOwn(NAMES, namespace) ? NAMES[namespace]! : namespace;
}
