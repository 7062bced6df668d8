import { EVALUATE_USAGE, evaluateCommand } from './evaluate-command.js';
import { type CliIo, EXIT_OK, EXIT_USAGE, write } from './io.js';
import { VALIDATE_USAGE, validateCommand } from './validate-command.js';

const USAGE = `warden-policy: the AWS IAM policy language, as Warden evaluates it.

${VALIDATE_USAGE}
${EVALUATE_USAGE}`;

export async function main(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'validate':
      return validateCommand(rest, io);
    case 'evaluate':
      return evaluateCommand(rest, io);
    case 'help':
    case '--help':
    case '-h':
      await write(io.stdout, USAGE);
      return EXIT_OK;
    default:
      await write(io.stderr, command === undefined ? USAGE : `warden-policy: unknown command ${command}\n\n${USAGE}`);
      return EXIT_USAGE;
  }
}
