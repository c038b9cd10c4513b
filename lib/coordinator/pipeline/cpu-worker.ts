import { parentPort } from 'node:worker_threads';
import { type CpuTaskName, cpuTasks } from './cpu-tasks';

/** One CPU worker thread: runs tasks sent by `CpuPool`, one at a time, and answers each by id. */
interface TaskMessage {
  id: number;
  task: CpuTaskName;
  payload: unknown;
}

const port = parentPort;
if (!port) throw new Error('cpu-worker.ts runs only as a worker thread');

port.on('message', async (message: TaskMessage) => {
  try {
    const run = cpuTasks[message.task] as (payload: unknown) => unknown;
    const value = await run(message.payload);
    port.postMessage({ id: message.id, ok: true, value });
  } catch (error) {
    port.postMessage({
      id: message.id,
      ok: false,
      error: { name: error instanceof Error ? error.name : 'Error', message: errorMessage(error) },
    });
  }
});
port.postMessage({ ready: true });

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
