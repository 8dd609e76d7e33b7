/** A failure the user can act on: printed without a stack trace. */
export class StackError extends Error {
  override name = 'StackError';
}
