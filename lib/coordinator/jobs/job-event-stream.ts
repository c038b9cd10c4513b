import type { JobSummary } from '../../protocol/jobs';
import type { JobProgressHub } from './job-progress-hub';

const terminal = new Set(['completed', 'failed', 'cancelled']);

/**
 * Progress as Server-Sent Events: a `progress` event whenever the job's summary changes, then one
 * `end` event when it reaches a terminal status. Summaries come from the process's shared
 * `JobProgressHub` poll, not from a query per stream.
 */
export function jobEventStream(
  hub: JobProgressHub,
  jobId: string,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop: (() => void) | undefined;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        stop?.();
        clearInterval(keepAlive);
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      signal.addEventListener('abort', close, { once: true });
      keepAlive = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(': keep-alive\n\n'));
      }, 15_000);
      stop = hub.watch(jobId, (job: JobSummary) => {
        if (closed) return;
        controller.enqueue(encoder.encode(`event: progress\ndata: ${JSON.stringify(job)}\n\n`));
        if (terminal.has(job.status)) {
          controller.enqueue(
            encoder.encode(`event: end\ndata: ${JSON.stringify({ status: job.status })}\n\n`),
          );
          queueMicrotask(close);
        }
      });
      if (closed) stop();
    },
    cancel() {
      stop?.();
      clearInterval(keepAlive);
    },
  });
}
