import { errorMessage } from '../../errors.js';

/** One line of the report: what was checked, whether it answered, and how to fix it when not. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'fail' | 'skip';
  detail: string;
  /** One sentence that says what to do; set when status is fail or skip. */
  fix?: string;
}

/** A failed check that knows its own fix (the default fix of `check` is used otherwise). */
export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** Races `work` against a timer; the timeout becomes a CheckFailed with `fix`. */
export function withTimeout<T>(what: string, timeoutMs: number, work: Promise<T>, fix: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckFailed(`${what} did not answer within ${timeoutMs} ms`, fix)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Runs one check; a thrown CheckFailed (or any error, with the default fix) becomes a red line. */
export async function check(name: string, fix: string, run: () => Promise<string>): Promise<DoctorCheck> {
  try {
    return { name, status: 'ok', detail: await run() };
  } catch (error) {
    return { name, status: 'fail', detail: errorMessage(error), fix: error instanceof CheckFailed ? error.fix : fix };
  }
}
