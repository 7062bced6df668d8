const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes canonical, padded, standard-alphabet base64, or returns `undefined`. Node's own decoder
 * skips characters it does not know and ignores stray padding bits, so two different texts can
 * decode to the same bytes; here every accepted text is the one `Buffer#toString('base64')`
 * produces, so any change to an encoded field changes its bytes.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (typeof text !== 'string' || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
