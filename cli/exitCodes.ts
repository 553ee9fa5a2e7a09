// Exit codes shared by every subcommand.
export const EXIT_OK = 0;
/** Something was checked and failed (a denied entry, a failing report). */
export const EXIT_FAILED = 1;
/** Usage error or unreadable input. */
export const EXIT_USAGE = 2;
