// pino JSON logs with personal data masked. Masking runs only on lines that are actually written,
// so debug-level detail costs nothing at the default info level.
import pino, { type DestinationStream, type Logger } from 'pino';
import { maskDeep, maskPii } from '../privacy/mask.ts';

export type { Logger };

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'daehwa' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        log: (object) => maskDeep(object),
      },
      hooks: {
        logMethod(args, method) {
          // The message string itself may carry what a shopper typed.
          const masked = args.map((arg) => (typeof arg === 'string' ? maskPii(arg) : arg)) as Parameters<typeof method>;
          method.apply(this, masked);
        },
      },
      // Error messages and stacks can quote input ("no order 010-...") and are not plain objects,
      // so the formatter above would pass them by.
      serializers: { err: (err: Error) => maskDeep({ ...pino.stdSerializers.err(err) }) },
    },
    options.destination,
  );
}
