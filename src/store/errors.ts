// Store errors carry the Kubernetes Status reason, so the API server can return them as is.

export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Expired' | 'Invalid';

export class StoreError extends Error {
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export const isNotFound = (e: unknown) => e instanceof StoreError && e.reason === 'NotFound';
export const isAlreadyExists = (e: unknown) => e instanceof StoreError && e.reason === 'AlreadyExists';
export const isConflict = (e: unknown) => e instanceof StoreError && e.reason === 'Conflict';
/** The watch asked for a resourceVersion older than the history kept: relist (HTTP 410 Gone). */
export const isExpired = (e: unknown) => e instanceof StoreError && e.reason === 'Expired';
