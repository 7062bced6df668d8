import type { ContextEntries } from '../authorization/request-context-builder.js';

/**
 * The Region a use came from, for LastAuthenticatedRegion: the request's aws:RequestedRegion, else
 * us-east-1, where AWS's global condition keys place requests to IAM.
 */
export function usageRegion(context: ContextEntries | null | undefined): string {
  const region = context?.['aws:RequestedRegion'];
  return typeof region === 'string' && region !== '' ? region : 'us-east-1';
}
