export { startWarden, startWorker, type RunningWarden, type RunningWorker } from './app.js';
export { readConfig, type WardenConfig } from './config.js';
export { createLogger } from './logger.js';
export { authenticate, AuthenticationError, type AuthenticationSettings, type RequestFacts } from './authenticate.js';
export { type SignedRequest, SigV4Error, verifySigV4 } from './sigv4/index.js';
export { createHttpServer, type HttpServerOptions } from './http-server.js';
export { createWardenYoga } from './yoga.js';
export { createCompiledOperations } from './create-compiled-operations.js';
