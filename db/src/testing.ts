// What test suites of every package share about the stores; not part of the service's own API.
export { type Driver, driversUnderTest } from './drivers-under-test.js';
export { migratedPGliteTemplate } from './pglite-template.js';
