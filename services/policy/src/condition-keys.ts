import type { OperatorFamily } from './condition-operators.js';

/**
 * The global condition keys AWS documents (`aws:` prefix), with the type of their values. Used by
 * validation only: to flag a misspelt key, an operator of the wrong type for a key, and a multivalued
 * key used without a set qualifier. Evaluation takes whatever keys the request context holds.
 */
export type ConditionKeyType = 'String' | 'Arn' | 'Bool' | 'Date' | 'Numeric' | 'IpAddress' | 'ArrayOfString';

const GLOBAL_KEYS: ReadonlyMap<string, ConditionKeyType> = new Map(
  Object.entries({
    'aws:calledvia': 'ArrayOfString',
    'aws:calledviafirst': 'String',
    'aws:calledvialast': 'String',
    'aws:currenttime': 'Date',
    'aws:epochtime': 'Date',
    'aws:federatedprovider': 'String',
    'aws:multifactorauthage': 'Numeric',
    'aws:multifactorauthpresent': 'Bool',
    'aws:principalaccount': 'String',
    'aws:principalarn': 'Arn',
    'aws:principalisawsservice': 'Bool',
    'aws:principalorgid': 'String',
    'aws:principalorgpaths': 'ArrayOfString',
    'aws:principalservicename': 'String',
    'aws:principalservicenameslist': 'ArrayOfString',
    'aws:principaltype': 'String',
    'aws:referer': 'String',
    'aws:requestedregion': 'String',
    'aws:resourceaccount': 'String',
    'aws:resourceorgid': 'String',
    'aws:resourceorgpaths': 'ArrayOfString',
    'aws:securetransport': 'Bool',
    'aws:sourceaccount': 'String',
    'aws:sourcearn': 'Arn',
    'aws:sourceidentity': 'String',
    'aws:sourceip': 'IpAddress',
    'aws:sourceorgid': 'String',
    'aws:sourceorgpaths': 'ArrayOfString',
    'aws:sourcevpc': 'String',
    'aws:sourcevpce': 'String',
    'aws:sourcevpcarn': 'Arn',
    'aws:tagkeys': 'ArrayOfString',
    'aws:tokenissuetime': 'Date',
    'aws:useragent': 'String',
    'aws:userid': 'String',
    'aws:username': 'String',
    'aws:viaawsservice': 'Bool',
    'aws:vpcsourceip': 'IpAddress',
    'aws:vpceaccount': 'String',
    'aws:vpceorgid': 'String',
    'aws:vpceorgpaths': 'ArrayOfString',
    'aws:ec2instancesourcevpc': 'String',
    'aws:ec2instancesourceprivateipv4': 'IpAddress',
    'aws:assumedroot': 'Bool',
    'aws:chatbotsourcearn': 'Arn',
  } satisfies Record<string, ConditionKeyType>),
);

/** Keys that take a tag key after a slash; each one names a single-valued string key. */
const TAG_KEY_PREFIXES = ['aws:principaltag/', 'aws:requesttag/', 'aws:resourcetag/'];

export type KnownKey = { readonly known: true; readonly type: ConditionKeyType } | { readonly known: false; readonly global: boolean };

/** What validation knows of a key; `key` must be lower-cased. */
export function describeConditionKey(key: string): KnownKey {
  const type = GLOBAL_KEYS.get(key);
  if (type) return { known: true, type };
  for (const prefix of TAG_KEY_PREFIXES) {
    if (key.startsWith(prefix) && key.length > prefix.length) return { known: true, type: 'String' };
  }
  return { known: false, global: key.startsWith('aws:') };
}

/** Operator families that can sensibly compare values of a key type. */
export function familiesForKeyType(type: ConditionKeyType): readonly OperatorFamily[] {
  switch (type) {
    case 'String':
    case 'ArrayOfString':
      return ['String', 'Null'];
    case 'Arn':
      return ['Arn', 'String', 'Null'];
    case 'Bool':
      return ['Bool', 'Null'];
    case 'Date':
      return ['Date', 'Numeric', 'Null'];
    case 'Numeric':
      return ['Numeric', 'Null'];
    case 'IpAddress':
      return ['IpAddress', 'Null'];
  }
}
