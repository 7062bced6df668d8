/**
 * JSONPath strings for findings. Paths are built only when a finding is reported, never on the
 * evaluation path, so clarity wins over speed here.
 */
export type JsonPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function formatJsonPath(path: JsonPath): string {
  let text = '$';
  for (const step of path) {
    if (typeof step === 'number') text += `[${step}]`;
    else if (IDENTIFIER.test(step)) text += `.${step}`;
    else text += `[${JSON.stringify(step)}]`;
  }
  return text;
}
