/** aws:ResourceTag/KEY for the tags of the IAM user or role a request acts on. */
export function resourceTagContext(tags: readonly { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(tags.map((tag) => [`aws:ResourceTag/${tag.key}`, tag.value]));
}

/** aws:RequestTag/KEY and aws:TagKeys for operations that set tags. */
export function requestTagContext(tags: readonly { key: string; value: string }[]): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  if (tags.length === 0) return context;
  for (const tag of tags) context[`aws:RequestTag/${tag.key}`] = tag.value;
  context['aws:TagKeys'] = tags.map((tag) => tag.key);
  return context;
}
