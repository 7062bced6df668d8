import { timingSafeEqual } from 'node:crypto';

/** Whether two strings are equal, in time that does not depend on where they first differ. */
export function equalInConstantTime(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
