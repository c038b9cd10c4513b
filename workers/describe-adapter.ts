import type { AdapterProfile } from '@/lib/kernels/gpu';
import type { AdapterSummary } from './compute-api';

/**
 * Names of software rasterizers: some report `isFallbackAdapter: false` (SwiftShader reached
 * through Vulkan, Mesa's llvmpipe/lavapipe, Microsoft's WARP) yet behave like a CPU, which is what
 * kernels need to know when they pick a shader variant.
 */
const SOFTWARE_ADAPTER_NAMES = [
  'swiftshader',
  'llvmpipe',
  'lavapipe',
  'softpipe',
  'warp',
  'microsoft basic render',
];

/** The adapter facts the worker needs: `AdapterInfo` is read once, not per shard. */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
  features: Iterable<string>;
  limits: AdapterProfile['limits'];
}

export function isSoftwareAdapter(
  facts: Pick<AdapterFacts, 'vendor' | 'architecture' | 'description' | 'isFallbackAdapter'>,
): boolean {
  if (facts.isFallbackAdapter) return true;
  const text = `${facts.vendor} ${facts.architecture} ${facts.description}`.toLowerCase();
  return SOFTWARE_ADAPTER_NAMES.some((name) => text.includes(name));
}

/** The kernel-facing profile and the page-facing summary of one adapter. */
export function describeAdapter(facts: AdapterFacts): { profile: AdapterProfile; summary: AdapterSummary } {
  const features = [...facts.features].sort();
  const fallback = isSoftwareAdapter(facts);
  return {
    profile: {
      vendor: facts.vendor,
      architecture: facts.architecture,
      fallback,
      features,
      limits: { ...facts.limits },
    },
    summary: {
      mode: 'webgpu',
      vendor: facts.vendor,
      architecture: facts.architecture,
      description: facts.description,
      fallback,
      features,
      timestampQuery: features.includes('timestamp-query'),
    },
  };
}

/** Reads `AdapterFacts` from a live adapter. */
export function adapterFacts(adapter: GPUAdapter): AdapterFacts {
  const { info, limits } = adapter;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    // Older Chromium exposed the flag on the adapter instead of its info.
    isFallbackAdapter:
      info.isFallbackAdapter ??
      (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
      false,
    features: adapter.features as unknown as Iterable<string>,
    limits: {
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: limits.maxComputeWorkgroupSizeY,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    },
  };
}
