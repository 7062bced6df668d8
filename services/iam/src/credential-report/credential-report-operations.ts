import { type Database, inAccountSnapshot, inAccountTransaction, takeLocks } from '@warden/db';
import type { Kysely } from 'kysely';
import type { Caller } from '../kernel/command-context.js';
import { CredentialReportExpiredError, CredentialReportInProgressError, CredentialReportNotPresentError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { credentialReportCsv } from './credential-report-csv.js';
import { type CredentialReportState, generationDecision, readDecision, type StoredCredentialReport } from './credential-report-rules.js';
import { readCredentialReportSnapshot } from './credential-report-snapshot.js';

export interface GeneratedCredentialReport {
  readonly state: CredentialReportState;
  readonly description: string;
}

export interface CredentialReport {
  /** The CSV (the Query front sends it base64-encoded, as AWS does). */
  readonly content: string;
  readonly reportFormat: 'text/csv';
  readonly generatedTime: Date;
}

const DESCRIPTIONS: Readonly<Record<CredentialReportState, string>> = {
  STARTED: 'A new credential report is being generated.',
  INPROGRESS: 'A credential report is already being generated.',
  COMPLETE: 'The credential report generated within the past four hours is ready.',
};

async function storedReport(db: Kysely<Database>, accountId: string): Promise<StoredCredentialReport | undefined> {
  const row = await db.selectFrom('credential_reports').select(['state', 'started_at', 'generated_at']).where('account_id', '=', accountId).executeTakeFirst();
  return row ? { state: row.state, startedAt: row.started_at, generatedAt: row.generated_at } : undefined;
}

/**
 * AWS's credential report: GenerateCredentialReport starts a generation (or answers that one is
 * running, or that a report of the past four hours is ready), and the generation runs after the
 * call has answered, reading the read models in one snapshot transaction, which holds no lock a
 * request waits for. The report is stored per account (derived data: a row, not an event).
 */
export class CredentialReportOperations {
  private readonly generations = new Set<Promise<void>>();

  constructor(private readonly core: IamCore) {}

  async generate(caller: Caller): Promise<GeneratedCredentialReport> {
    const accountId = caller.accountId;
    const { state, startedAt } = await inAccountTransaction(this.core.db, accountId, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GenerateCredentialReport', '*');
      // Two calls at once decide one after the other, so one of them starts a generation, not both.
      await takeLocks(trx, accountId, ['credential-report']);
      const now = this.core.clock.now();
      const decided = generationDecision(await storedReport(trx, accountId), now);
      if (decided === 'STARTED') {
        const claim = { state: 'in-progress' as const, started_at: now, generated_at: null, content: null };
        await trx
          .insertInto('credential_reports')
          .values({ account_id: accountId, ...claim })
          .onConflict((conflict) => conflict.column('account_id').doUpdateSet(claim))
          .execute();
      }
      return { state: decided, startedAt: now };
    });
    if (state === 'STARTED') this.startGeneration(accountId, startedAt);
    return { state, description: DESCRIPTIONS[state] };
  }

  async get(caller: Caller): Promise<CredentialReport> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetCredentialReport', '*');
      const row = await trx.selectFrom('credential_reports').selectAll().where('account_id', '=', caller.accountId).executeTakeFirst();
      const report = row ? { state: row.state, startedAt: row.started_at, generatedAt: row.generated_at } : undefined;
      switch (readDecision(report, this.core.clock.now())) {
        case 'not-present':
          throw new CredentialReportNotPresentError('No credential report exists: generate one with GenerateCredentialReport.');
        case 'in-progress':
          throw new CredentialReportInProgressError('The credential report is being generated: try again shortly.');
        case 'expired':
          throw new CredentialReportExpiredError('The credential report is more than four hours old: generate a new one with GenerateCredentialReport.');
        case 'ready':
          return { content: row!.content ?? '', reportFormat: 'text/csv' as const, generatedTime: row!.generated_at! };
      }
    });
  }

  /** Resolves when every generation started so far has ended (for shutdown, and for tests that read the report). */
  async settled(): Promise<void> {
    await Promise.all([...this.generations]);
  }

  private startGeneration(accountId: string, startedAt: Date): void {
    const generation = this.produce(accountId, startedAt).finally(() => this.generations.delete(generation));
    this.generations.add(generation);
  }

  private async produce(accountId: string, startedAt: Date): Promise<void> {
    try {
      const generatedAt = this.core.clock.now();
      const snapshot = await inAccountSnapshot(this.core.db, accountId, (trx) => readCredentialReportSnapshot(trx, accountId, this.core.partition));
      const content = credentialReportCsv(snapshot);
      // Only the generation that holds the claim stores its report: one that took too long and was started over does not.
      await inAccountTransaction(this.core.db, accountId, (trx) =>
        trx
          .updateTable('credential_reports')
          .set({ state: 'complete', generated_at: generatedAt, content })
          .where('account_id', '=', accountId)
          .where('state', '=', 'in-progress')
          .where('started_at', '=', startedAt)
          .execute(),
      );
    } catch {
      // The claim is dropped so that the next GenerateCredentialReport starts again (AWS's clients
      // call it until it answers COMPLETE); until then GetCredentialReport answers ReportNotPresent.
      await inAccountTransaction(this.core.db, accountId, (trx) =>
        trx.deleteFrom('credential_reports').where('account_id', '=', accountId).where('state', '=', 'in-progress').where('started_at', '=', startedAt).execute(),
      ).catch(() => undefined);
    }
  }
}
