import { generateUniqueId } from '../identifiers/index.js';

/** Data key ids say when they were made: `key-2026-11-28-abcdefgh`. */
export function newDataKeyId(now: Date): string {
  return `key-${now.toISOString().slice(0, 10)}-${generateUniqueId('AIPA').slice(4, 12).toLowerCase()}`;
}
