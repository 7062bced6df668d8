/**
 * Whether two strings are equal, in time that depends only on their lengths: every character is
 * compared whatever the first difference (the length itself is not secret: hashes, codes and
 * signatures have fixed lengths). A loop over character codes rather than timingSafeEqual over
 * two Buffers, because SigV4 compares a signature on every request and the two Buffers were most
 * of that comparison's cost.
 */
export function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
