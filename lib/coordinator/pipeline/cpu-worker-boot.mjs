// Entry of every CPU worker thread: teach this thread TypeScript and `*.wgsl` imports (the kernels
// import their shaders as text), then load the task dispatcher. A plain .mjs file so Node can start
// it whatever bundled the code that spawned it (Next's server, tsx scripts or Vitest).
import { register } from 'tsx/esm/api';

register();
await import('../../../scripts/register-wgsl.mjs');
await import('./cpu-worker.ts');
