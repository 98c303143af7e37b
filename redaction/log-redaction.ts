import type { LoggerOptions } from 'pino';
import { redactText, redactValue } from './redact.js';

/**
 * pino options that run every log line through the redaction rules: the merged object (any
 * field, any depth) and string arguments (the message and its interpolations). Path-based
 * `redact` only catches fields whose names are known in advance; this catches a token inside an
 * error message or a URL.
 */
export const logRedaction: Pick<LoggerOptions, 'formatters' | 'hooks'> = {
  formatters: { log: (object) => redactValue(object) },
  hooks: {
    logMethod(args, method) {
      const clean = args.map((arg: unknown) => (typeof arg === 'string' ? redactText(arg) : arg));
      method.apply(this, clean as Parameters<typeof method>);
    },
  },
};
