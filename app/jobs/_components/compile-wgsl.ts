/** One message from the browser's WGSL compiler, positioned in the submitter's source. */
export interface WgslMessage {
  type: 'error' | 'warning' | 'info';
  /** 1-based; 0 when the compiler gave no position. */
  line: number;
  column: number;
  message: string;
}

export type WgslCompileOutcome =
  | { status: 'unavailable'; reason: string }
  | { status: 'compiled'; ok: boolean; messages: WgslMessage[]; adapter: string };

/**
 * Compiles WGSL with the browser's own WebGPU implementation (`createShaderModule` →
 * `getCompilationInfo`), so a submitter sees the same errors a volunteer's browser would report,
 * before anything is sent. The device is created for this call and destroyed after it.
 */
export async function compileWgsl(code: string): Promise<WgslCompileOutcome> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
    return {
      status: 'unavailable',
      reason: 'This browser has no WebGPU (navigator.gpu is missing); use a recent Chrome, Edge or Safari.',
    };
  }
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { status: 'unavailable', reason: 'WebGPU found no adapter (GPU) in this browser.' };
  const device = await adapter.requestDevice();
  try {
    // A module that does not compile also raises a validation error; catch it here so it is not
    // reported a second time as an uncaptured device error.
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: 'dry run', code });
    const info = await module.getCompilationInfo();
    const scopeError = await device.popErrorScope();
    const messages: WgslMessage[] = info.messages.map((m) => ({
      type: m.type,
      line: m.lineNum,
      column: m.linePos,
      message: m.message,
    }));
    const hasError = messages.some((m) => m.type === 'error');
    if (scopeError && !hasError) {
      messages.push({ type: 'error', line: 0, column: 0, message: scopeError.message });
    }
    const described = [adapter.info.vendor, adapter.info.architecture].filter(Boolean).join(' ');
    return {
      status: 'compiled',
      ok: !messages.some((m) => m.type === 'error'),
      messages,
      adapter: described || 'WebGPU',
    };
  } finally {
    device.destroy();
  }
}
