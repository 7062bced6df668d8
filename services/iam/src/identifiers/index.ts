export {
  ACCESS_KEY_ID_LENGTH,
  ENTITY_ID_LENGTH,
  SECRET_ACCESS_KEY_LENGTH,
  UNIQUE_ID_PREFIXES,
  generateAccountId,
  generateSecretAccessKey,
  generateUniqueId,
  isAccessKeyId,
  isAccountId,
  type RandomSource,
  type UniqueIdPrefix,
} from './unique-id.js';
export type { NewAccessKey } from './new-access-key.js';
