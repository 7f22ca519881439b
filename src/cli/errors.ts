// Errors the CLI turns into exit codes (DESIGN.md §3): 2 for usage or input errors.
// Their messages are complete sentences for the user; no stack trace is printed for them.

export class UsageError extends Error {
  readonly exitCode = 2;
}

/** Bad input: one line per problem, each already prefixed with `file:line:` where known. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** Errors that carry their own exit code and a message meant for the user. */
export function isCliError(e: unknown): e is Error & { exitCode: number } {
  return e instanceof Error && typeof (e as { exitCode?: unknown }).exitCode === 'number';
}

/** The command could not do what it was asked (a cluster that did not come up): exit 1. */
export class OperationError extends Error {
  readonly exitCode = 1;
}
