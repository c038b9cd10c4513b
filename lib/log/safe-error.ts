/**
 * What a log may say about an error: its type, a message with no query parameters, a database
 * error code and the stack frames. A failed Drizzle query carries the SQL and every bound parameter
 * (a submitter's params, inputs, tokens' hashes) in its message and stack: only the driver's own
 * one-line reason (`violates foreign key constraint …`) is kept, never its `detail` or the params.
 */
export function safeError(error: unknown): { type: string; message: string; code?: string; stack?: string } {
  if (!(error instanceof Error)) return { type: typeof error, message: 'non-error thrown' };
  const cause = (error as { cause?: unknown }).cause;
  const isQuery = 'query' in error || 'params' in error || /^Failed query:/.test(error.message);
  const causeMessage = cause instanceof Error ? cause.message.split('\n')[0] : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code ?? (error as { code?: unknown }).code;
  const frames = error.stack
    ?.split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 12)
    .join('\n');
  return {
    type: error.name,
    message: isQuery
      ? `database query failed${causeMessage ? `: ${causeMessage}` : ''}`
      : error.message.split('\n')[0]!.slice(0, 300),
    ...(typeof code === 'string' ? { code } : {}),
    ...(frames ? { stack: frames } : {}),
  };
}
