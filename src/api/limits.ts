/** Limits several endpoints share, defined once so the docs and the checks of each endpoint agree. */

/** Items a page of a listing may hold (`limit`), and the default when it is absent. */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

/** Lines in one order or one refund request. */
export const MAX_LINES = 500;
