import type { IAMServiceException } from '@aws-sdk/client-iam';
import type { STSServiceException } from '@aws-sdk/client-sts';

/** The rejection of an SDK call, to assert its exception class and members; a call that succeeds fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<IAMServiceException & STSServiceException> {
  try {
    await promise;
  } catch (error) {
    return error as IAMServiceException & STSServiceException;
  }
  throw new Error('expected the call to fail');
}
