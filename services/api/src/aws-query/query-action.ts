import type { Caller, IamService } from '@warden/iam';
import type { RequestFacts } from '../authenticate.js';
import type { XmlObject } from './aws-shapes.js';
import type { QueryParameters } from './query-parameters.js';

/** The service a Query request is for: the signing name of its SigV4 credential scope. */
export type AwsService = 'iam' | 'sts';

/** AWS's API versions, which a Query request names in `Version`. */
export const API_VERSIONS: Readonly<Record<AwsService, string>> = { iam: '2010-05-08', sts: '2011-06-15' };

/** The namespaces of their XML answers. */
export const XML_NAMESPACES: Readonly<Record<AwsService, string>> = { iam: 'https://iam.amazonaws.com/doc/2010-05-08/', sts: 'https://sts.amazonaws.com/doc/2011-06-15/' };

export interface ActionCall {
  readonly iam: IamService;
  /** Who signed the request; an unsigned request's call has none, and reading it is MissingAuthenticationToken. */
  readonly caller: Caller;
  readonly params: QueryParameters;
  /** What the HTTP layer knows of the request (its id, source address, user agent). */
  readonly facts: RequestFacts;
}

/**
 * One action of the Query front: its AWS parameters read into the IamService operation's input,
 * the operation called (the same one GraphQL's resolver calls), and its answer in AWS's result
 * shape; undefined for an action whose answer is only ResponseMetadata (AWS's Delete*, Attach*…).
 */
export interface QueryAction {
  readonly service: AwsService;
  run(call: ActionCall): Promise<XmlObject | undefined>;
}

/**
 * Declares the actions of one service, each by its three parts: parameters → operation → result
 * shape. The tables of actions are lists of these.
 */
export function actionsOf(service: AwsService) {
  return <Input, Output>(
    parse: (params: QueryParameters, caller: Caller) => Input,
    call: (iam: IamService, caller: Caller, input: Input) => Promise<Output>,
    render: (output: Output, input: Input) => XmlObject | undefined,
  ): QueryAction => ({
    service,
    async run({ iam, caller, params }) {
      const input = parse(params, caller);
      return render(await call(iam, caller, input), input);
    },
  });
}

/**
 * Declares an action a request makes unsigned (isUnsignedAwsAction's allow-list), whose credential
 * is in its parameters: its operation takes the request's facts, never a caller.
 */
export function unsignedActionsOf(service: AwsService) {
  return <Input, Output>(
    parse: (params: QueryParameters) => Input,
    call: (iam: IamService, facts: RequestFacts, input: Input) => Promise<Output>,
    render: (output: Output, input: Input) => XmlObject | undefined,
  ): QueryAction => ({
    service,
    async run({ iam, params, facts }) {
      const input = parse(params);
      return render(await call(iam, facts, input), input);
    },
  });
}

/** An action whose AWS answer has no result members. */
export const noResult = (): undefined => undefined;
