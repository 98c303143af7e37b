/** Something that stops one started part of the sandbox. */
export type Closer = () => Promise<void> | void;

/** Closers collected while the sandbox starts, run last-in first-out on close. */
export interface CloserStack {
  push(closer: Closer): void;
  /** Runs every closer pushed so far, newest first, and forgets them (a second call does nothing). */
  closeAll(): Promise<void>;
}

/**
 * A stack of closers, so every part started before a failure is stopped in reverse start order
 * (Argo CD servers before the instances they serve, instances before the git repo they read).
 */
export function createCloserStack(): CloserStack {
  const closers: Closer[] = [];
  return {
    push: (closer) => {
      closers.push(closer);
    },
    closeAll: async () => {
      const pending = closers.splice(0).reverse();
      for (const closer of pending) await closer();
    },
  };
}
