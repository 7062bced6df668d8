import { Gauge, type Registry } from 'prom-client';
import type { PoolUse } from '@warden/db';

/** The database pool, read at each scrape from now on (once per registry: a process has one pool; none on PGlite). */
export function watchPoolIn(registry: Registry, poolUse: () => PoolUse): void {
  new Gauge({
    name: 'warden_db_pool_connections',
    help: 'Database pool connections: total open, idle, and queries waiting for one.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const use = poolUse();
      this.set({ state: 'total' }, use.total);
      this.set({ state: 'idle' }, use.idle);
      this.set({ state: 'waiting' }, use.waiting);
    },
  });
}
