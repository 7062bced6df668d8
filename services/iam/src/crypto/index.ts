export { equalInConstantTime } from './constant-time.js';
export { DecryptionError, Keyring, type EncryptedSecret, type WrappedDataKey } from './keyring.js';
export { MASTER_KEY_BYTES, MASTER_KEY_ENV, MASTER_KEY_FILE, MasterKeyError, loadMasterKey, type LoadMasterKeyOptions } from './master-key.js';
