import { printWardenSchema } from './index.js';

process.stdout.write(printWardenSchema());
