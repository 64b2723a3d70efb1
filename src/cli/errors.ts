/** A command line that cannot be run as written: the command prints its usage and exits with 2. */
export class UsageError extends Error {}
