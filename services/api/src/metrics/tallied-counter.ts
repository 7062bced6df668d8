import { Counter, type Registry } from 'prom-client';

/** One series of a tallied counter: add to `count`; the scrape takes it. */
export interface Tally {
  count: number;
}

/**
 * A prom-client counter whose series are counted into plain numbers and added to it at scrape (in
 * its `collect`): prom-client hashes the labels on every `inc`, even through a bound child, and
 * these are counted on every request. The series are fixed when the counter is made.
 */
export function talliedCounter<Label extends string>(
  registry: Registry,
  config: { readonly name: string; readonly help: string; readonly labelNames: readonly Label[] },
  series: readonly Readonly<Record<Label, string>>[],
): Tally[] {
  const tallies = series.map((labels) => ({ labels, count: 0 }));
  new Counter({
    name: config.name,
    help: config.help,
    labelNames: config.labelNames,
    registers: [registry],
    collect() {
      for (const tally of tallies) {
        if (tally.count === 0) continue;
        this.inc(tally.labels, tally.count);
        tally.count = 0;
      }
    },
  });
  return tallies;
}
