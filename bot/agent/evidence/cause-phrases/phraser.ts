/** One family's reading of a failure message: the plain cause it states, or undefined when not its kind. */
export type CausePhraser = (message: string) => string | undefined;
