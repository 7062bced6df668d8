import type { Tag } from '@warden/iam';
import { validationError } from './aws-errors.js';

/**
 * A Query request's parameters (the form body of a POST, or the query string of a GET), read by
 * AWS's names: `member.N` for lists (N from 1, in order, with no gaps), `Tags.member.N.Key` and
 * `.Value` for tags, `PolicyArns.member.N.arn` for STS's policy descriptors. A missing required
 * parameter or a value out of its model's bounds is AWS's ValidationError, with AWS's wording.
 */
export class QueryParameters {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  static parse(text: string): QueryParameters {
    const values = new Map<string, string>();
    // application/x-www-form-urlencoded, as URLSearchParams decodes it ('+' is a space). A name
    // given twice keeps its first value: no AWS parameter is repeated by name.
    for (const [name, value] of new URLSearchParams(text)) if (!values.has(name)) values.set(name, value);
    return new QueryParameters(values);
  }

  optional(name: string): string | undefined {
    return this.values.get(name);
  }

  /** Whether any member of the structure parameter `name` (`Name.Member…`) was sent. */
  hasMembersOf(name: string): boolean {
    for (const key of this.values.keys()) if (key.startsWith(`${name}.`)) return true;
    return false;
  }

  required(name: string): string {
    const value = this.values.get(name);
    if (value === undefined) throw validationError(`1 validation error detected: Value null at '${memberName(name)}' failed to satisfy constraint: Member must not be null`);
    return value;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const text = this.values.get(name);
    if (text === undefined) return undefined;
    const value = /^-?\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isNaN(value)) throw validationError(`1 validation error detected: Value '${text}' at '${memberName(name)}' failed to satisfy constraint: Member must be a number`);
    if (value < min)
      throw validationError(`1 validation error detected: Value '${value}' at '${memberName(name)}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
    if (value > max) throw validationError(`1 validation error detected: Value '${value}' at '${memberName(name)}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
    return value;
  }

  /**
   * A string constrained as AWS's model constrains it: its length, and a pattern it must match
   * whole. AWS's message quotes the model's pattern as the model writes it.
   */
  constrained(name: string, constraint: StringConstraint): string | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    if (value.length < constraint.min || value.length > constraint.max)
      throw validationError(
        `1 validation error detected: Value '${value}' at '${memberName(name)}' failed to satisfy constraint: Member must have length ${value.length < constraint.min ? `greater than or equal to ${constraint.min}` : `less than or equal to ${constraint.max}`}`,
      );
    if (!constraint.pattern.test(value))
      throw validationError(
        `1 validation error detected: Value '${value}' at '${memberName(name)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${constraint.modelPattern}`,
      );
    return value;
  }

  /** One of an enum's values (AWS's enum traits). */
  oneOf<Value extends string>(name: string, values: readonly Value[]): Value | undefined {
    const value = this.values.get(name);
    if (value === undefined || (values as readonly string[]).includes(value)) return value as Value | undefined;
    throw validationError(`1 validation error detected: Value '${value}' at '${memberName(name)}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`);
  }

  boolean(name: string): boolean | undefined {
    const text = this.values.get(name);
    if (text === undefined) return undefined;
    if (text === 'true' || text === 'false') return text === 'true';
    throw validationError(`1 validation error detected: Value '${text}' at '${memberName(name)}' failed to satisfy constraint: Member must be true or false`);
  }

  /** `Name.member.1`, `Name.member.2`…, until the first gap. */
  list(name: string): string[] {
    const items: string[] = [];
    for (let index = 1; ; index++) {
      const value = this.values.get(`${name}.member.${index}`);
      if (value === undefined) return items;
      items.push(value);
    }
  }

  /** `Name.member.N.Key` and `Name.member.N.Value`; a key without its value is a ValidationError, as AWS's model requires both. */
  tags(name: string): Tag[] {
    const tags: Tag[] = [];
    for (let index = 1; ; index++) {
      const key = this.values.get(`${name}.member.${index}.Key`);
      const value = this.values.get(`${name}.member.${index}.Value`);
      if (key === undefined && value === undefined) return tags;
      if (key === undefined) this.required(`${name}.member.${index}.Key`);
      if (value === undefined) this.required(`${name}.member.${index}.Value`);
      tags.push({ key: key!, value: value! });
    }
  }

  /**
   * The simulators' `ContextEntries.member.N.ContextKeyName`, `.ContextKeyValues.member.M` and
   * `.ContextKeyType`: a key of a `…List` type keeps its list, any other its one value.
   */
  contextEntries(name: string): Record<string, string | string[]> {
    const entries: Record<string, string | string[]> = {};
    for (let index = 1; ; index++) {
      const prefix = `${name}.member.${index}`;
      const key = this.values.get(`${prefix}.ContextKeyName`);
      if (key === undefined) return entries;
      const values = this.list(`${prefix}.ContextKeyValues`);
      const type = this.required(`${prefix}.ContextKeyType`);
      if (type.endsWith('List')) entries[key] = values;
      else if (values.length === 1) entries[key] = values[0]!;
      else throw validationError(`ContextEntries ${key} of type ${type} takes exactly one value; it has ${values.length}.`);
    }
  }

  /** STS's `PolicyArns.member.N.arn` (PolicyDescriptorType's one member is lower-case `arn`). */
  policyArns(name: string): string[] {
    const arns: string[] = [];
    for (let index = 1; ; index++) {
      const arn = this.values.get(`${name}.member.${index}.arn`);
      if (arn === undefined) return arns;
      arns.push(arn);
    }
  }
}

export interface StringConstraint {
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  /** The pattern as AWS's model writes it, for the message. */
  readonly modelPattern: string;
}

/**
 * IAM's PathPrefix constraints, by the shape AWS's IAM model gives each action's PathPrefix:
 * pathPrefixType (ListUsers, ListGroups, ListRoles), policyPathType (ListPolicies,
 * ListAttached{User,Group,Role}Policies) and pathType (ListEntitiesForPolicy), each 1 to 512
 * characters.
 */
export const PATH_PREFIX: StringConstraint = { min: 1, max: 512, pattern: /^\/[\u0021-\u007F]*$/, modelPattern: '\\u002F[\\u0021-\\u007F]*' };
export const POLICY_PATH_PREFIX: StringConstraint = { min: 1, max: 512, pattern: /^(?:\/[A-Za-z0-9.,+@=_-]+)*\/$/, modelPattern: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/' };
export const PATH: StringConstraint = { min: 1, max: 512, pattern: /^(?:\/|\/[\u0021-\u007E]+\/)$/, modelPattern: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' };

/** AWS's validation messages name the member in lower camel case (`userName` for UserName). */
function memberName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
