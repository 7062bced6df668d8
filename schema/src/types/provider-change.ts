import type { InputObjectRef, ObjectRef } from '@pothos/core';
import type { Caller, IamService } from '@warden/iam';
import { builder } from '../builder.js';
import { mutationErrors } from './result-names.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** How the mutations of one kind of identity provider (OpenID Connect, SAML) name and answer it. */
export interface ProviderKind<Provider, ArnField extends string> {
  readonly ref: ObjectRef<Types, Provider>;
  /** The input field that holds the provider's ARN (`openIDConnectProviderArn`, `samlProviderArn`). */
  readonly arnField: ArnField;
  /** The provider as it is after a change the caller was allowed to make. */
  current(iam: IamService, caller: Caller, arn: string): Promise<Provider>;
}

/** A change to one provider, answered with the provider as it is after the change. */
export function providerChange<Provider, ArnField extends string, Input extends Record<ArnField, string>>(
  kind: ProviderKind<Provider, ArnField>,
  mutation: string,
  input: InputObjectRef<Types, Input>,
  change: (iam: IamService, caller: Caller, input: Input) => Promise<void>,
): void {
  // Pothos resolves a field's shapes for known types only: the provider declared as an object, the
  // input as one of string fields; both are handed on as what they are.
  const ref = kind.ref as ObjectRef<Types, object>;
  const anyInput = input as unknown as InputObjectRef<Types, Record<string, string>>;
  builder.mutationField(mutation, (t) =>
    t.field({
      type: ref,
      errors: mutationErrors(mutation),
      args: { input: t.arg({ type: anyInput, required: true }) },
      resolve: async (_r, args, { iam, caller }) => {
        await change(iam, caller, args.input as Input);
        return (await kind.current(iam, caller, args.input[kind.arnField]!)) as object;
      },
    }),
  );
}
