import { API_VERSIONS, type AwsService } from './query-action.js';
import { QUERY_ACTIONS } from './query-actions.js';

/** Where the README's table of supported actions sits; a unit test compares it with the one generated here. */
export const SUPPORTED_ACTIONS_START = '<!-- supported-actions:start (generated from services/api/src/aws-query/query-actions.ts) -->';
export const SUPPORTED_ACTIONS_END = '<!-- supported-actions:end -->';

const SERVICE_TITLES: Readonly<Record<AwsService, string>> = { iam: 'IAM', sts: 'STS' };

/** The README's table of the actions the Query front answers, one row per service, generated from the table requests are dispatched by. */
export function supportedActionsMarkdown(): string {
  const rows = (Object.keys(QUERY_ACTIONS) as AwsService[]).map((service) => {
    const names = Object.keys(QUERY_ACTIONS[service]).sort();
    return `| ${SERVICE_TITLES[service]} (\`${service}\`, ${API_VERSIONS[service]}) | ${names.length} | ${names.map((name) => `\`${name}\``).join(', ')} |`;
  });
  return [SUPPORTED_ACTIONS_START, '| service (signing name, version) | actions | names |', '|---|---|---|', ...rows, SUPPORTED_ACTIONS_END].join('\n');
}
