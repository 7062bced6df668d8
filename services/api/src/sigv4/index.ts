export type { SignedRequest } from './sigv4-request.js';
export { SigV4Error } from './sigv4-failure.js';
export type { SigV4FailureReason } from './sigv4-failure.js';
export { verifySigV4 } from './verify-sigv4.js';
export { hasPresignParameters } from './sigv4-authorization.js';
export { parseQuery } from './canonical-request.js';
export type { SigningKeyMaterial, SigningScope, VerifiedRequest, VerifyOptions } from './verify-sigv4.js';
