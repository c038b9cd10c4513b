import type { Queryable } from '../../db/client';
import { getJob } from './get-job';

const terminal = new Set(['completed', 'failed', 'cancelled']);

/**
 * Progress as Server-Sent Events: a `progress` event whenever the job's summary changes, then one
 * `end` event when it reaches a terminal status. It polls the database rather than listening to an
 * in-process emitter, so it works the same when many coordinator processes share one Postgres.
 */
export function jobEventStream(
  db: Queryable,
  jobId: string,
  signal: AbortSignal,
  pollMs = 500,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let last = '';
      let ticks = 0;
      const close = () => {
        if (timer) clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      signal.addEventListener('abort', close, { once: true });
      const tick = async () => {
        if (signal.aborted) return;
        try {
          const job = await getJob(db, jobId);
          const data = JSON.stringify(job);
          if (data !== last) {
            last = data;
            controller.enqueue(encoder.encode(`event: progress\ndata: ${data}\n\n`));
          } else if (++ticks % 30 === 0) {
            controller.enqueue(encoder.encode(': keep-alive\n\n'));
          }
          if (terminal.has(job.status)) {
            controller.enqueue(
              encoder.encode(`event: end\ndata: ${JSON.stringify({ status: job.status })}\n\n`),
            );
            close();
            return;
          }
        } catch (error) {
          controller.enqueue(
            encoder.encode(`event: error\ndata: ${JSON.stringify({ message: 'progress unavailable' })}\n\n`),
          );
          console.error('job event stream', error);
          close();
          return;
        }
        timer = setTimeout(tick, pollMs);
      };
      void tick();
    },
    cancel() {
      if (timer) clearTimeout(timer);
    },
  });
}
