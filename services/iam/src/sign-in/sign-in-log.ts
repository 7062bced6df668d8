import { randomBytes } from 'node:crypto';
import { appendTo, type StreamAppend } from '../service/write-spec.js';
import { signInDecider } from './sign-in.decider.js';
import type { SignInEvent, SignInState } from './sign-in.events.js';

/**
 * One sign-in event (an attempt, a cleared lockout) in a stream of its own, `sign-in/ID`: a flood
 * never contends on one stream. `resourceArn` is the principal or subject the event is about.
 */
export function signInEventAppend(event: SignInEvent, resourceArn?: string): StreamAppend<SignInState> {
  return appendTo(signInDecider, `sign-in/${randomBytes(12).toString('hex')}`, { type: 'RecordSignIn', event }, resourceArn === undefined ? {} : { resourceArn });
}
