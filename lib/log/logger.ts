import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';
import { env } from '../env';
import { safeError } from './safe-error';

/**
 * Structured JSON logs (pino), one object per line on stdout. Fields name requests, jobs and leases
 * by id (`requestId`, `jobId`, `leaseId`); never tokens, signatures, job params, inputs or results.
 * `err` always goes through `safeError`, and the usual places a secret could hide are redacted.
 */
const globalKey = Symbol.for('spare-cycles.logger');
type GlobalWithLogger = typeof globalThis & { [globalKey]?: Logger };

const requestScope = new AsyncLocalStorage<Logger>();

function root(): Logger {
  const g = globalThis as GlobalWithLogger;
  if (!g[globalKey]) {
    g[globalKey] = pino({
      level: env().LOG_LEVEL,
      base: { service: 'spare-cycles' },
      serializers: { err: safeError, error: safeError },
      redact: {
        paths: [
          'authorization',
          'token',
          'signature',
          'params',
          'inputs',
          'secret',
          '*.authorization',
          '*.token',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    });
  }
  return g[globalKey];
}

/** The logger of the current request (with its `requestId`), or the process logger outside one. */
export function logger(): Logger {
  return requestScope.getStore() ?? root();
}

/** Runs `fn` with a child logger carrying `bindings` (`requestId`, `jobId`, `leaseId`). */
export function withLogContext<T>(bindings: Record<string, string>, fn: () => T): T {
  return requestScope.run(logger().child(bindings), fn);
}
