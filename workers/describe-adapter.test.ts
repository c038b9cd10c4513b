import { describe, expect, it } from 'vitest';
import { type AdapterFacts, describeAdapter, isSoftwareAdapter } from './describe-adapter';

const limits = {
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxComputeWorkgroupStorageSize: 32768,
  maxStorageBufferBindingSize: 2 ** 30,
  maxComputeWorkgroupsPerDimension: 65535,
};

describe('describeAdapter', () => {
  it('summarizes headless Chromium’s SwiftShader adapter as a fallback with timestamps', () => {
    const facts: AdapterFacts = {
      vendor: 'google',
      architecture: 'swiftshader',
      description: '',
      isFallbackAdapter: true,
      features: ['timestamp-query', 'subgroups', 'float32-filterable'],
      limits,
    };
    const { profile, summary } = describeAdapter(facts);
    expect(summary).toEqual({
      mode: 'webgpu',
      vendor: 'google',
      architecture: 'swiftshader',
      description: '',
      fallback: true,
      features: ['float32-filterable', 'subgroups', 'timestamp-query'],
      timestampQuery: true,
    });
    expect(profile).toMatchObject({ vendor: 'google', architecture: 'swiftshader', fallback: true, limits });
  });

  it('reports a real GPU without timestamp-query as such', () => {
    const { summary } = describeAdapter({
      vendor: 'nvidia',
      architecture: 'ampere',
      description: 'NVIDIA GeForce RTX 3080',
      isFallbackAdapter: false,
      features: ['shader-f16'],
      limits,
    });
    expect(summary.fallback).toBe(false);
    expect(summary.timestampQuery).toBe(false);
  });
});

describe('isSoftwareAdapter', () => {
  it('recognizes software rasterizers that do not set isFallbackAdapter', () => {
    const base = { vendor: '', architecture: '', description: '', isFallbackAdapter: false };
    expect(isSoftwareAdapter({ ...base, architecture: 'swiftshader' })).toBe(true);
    expect(isSoftwareAdapter({ ...base, description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ ...base, description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareAdapter({ ...base, vendor: 'intel', architecture: 'gen-12lp' })).toBe(false);
    expect(isSoftwareAdapter({ ...base, isFallbackAdapter: true })).toBe(true);
  });
});
