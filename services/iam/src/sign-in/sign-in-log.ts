import { randomBytes } from 'node:crypto';
import type { Database, EventMetadata } from '@warden/db';
import type { Transaction } from 'kysely';
import { handleCommand } from '../command-handler.js';
import { signInDecider } from './sign-in.decider.js';
import type { SignInEvent } from './sign-in.events.js';

/** Appends one sign-in event (an attempt, a cleared lockout) in a stream of its own, `sign-in/ID`. */
export async function recordSignInEvent(trx: Transaction<Database>, accountId: string, event: SignInEvent, metadata: EventMetadata, occurredAt: Date): Promise<void> {
  await handleCommand(trx, signInDecider, { accountId, streamId: `sign-in/${randomBytes(12).toString('hex')}`, command: { type: 'RecordSignIn', event }, metadata, occurredAt });
}
