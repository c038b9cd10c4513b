import { describe, expect, it } from 'vitest';
import { headRows, jsonPreview, previewKind } from './read-result';

const result = (contentType: string, filename: string) => ({ url: '/r', contentType, filename, bytes: 1 });

describe('previewKind', () => {
  it('picks the view from the content type and file name, whatever the kernel', () => {
    expect(previewKind(result('application/octet-stream', 'c.npy'))).toBe('npy');
    expect(previewKind(result('image/png', 'mandelbrot.png'))).toBe('image');
    expect(previewKind(result('application/json', 'nonces.json'))).toBe('json');
    expect(previewKind(result('application/octet-stream', 'output.bin'))).toBe('none');
  });
});

describe('jsonPreview', () => {
  it('reads a hash search result as nonces', () => {
    expect(jsonPreview({ nonces: ['12', '99'] })).toEqual({ kind: 'nonces', nonces: ['12', '99'] });
  });

  it('reads a Monte Carlo result as price ± half the 95 % interval, with the reference value', () => {
    const preview = jsonPreview({
      price: 10.45,
      stdError: 0.05,
      confidence95: [10.352, 10.548],
      paths: 1_000_000,
      blackScholes: 10.4506,
    });
    expect(preview).toMatchObject({ kind: 'estimate', price: 10.45, interval: [10.352, 10.548] });
    if (preview.kind !== 'estimate') throw new Error('not an estimate');
    expect(preview.halfWidth).toBeCloseTo(0.098);
    expect(preview.extras).toEqual([
      ['Black–Scholes value', '10.4506'],
      ['paths', '1,000,000'],
      ['standard error', '0.05'],
    ]);
  });

  it('falls back to 1.96 standard errors, and to plain JSON for anything else', () => {
    expect(jsonPreview({ price: 2, stdError: 0.5, confidence95: null })).toMatchObject({ halfWidth: 0.98 });
    expect(jsonPreview({ answer: 42 })).toEqual({ kind: 'json', text: '{\n  "answer": 42\n}' });
  });
});

describe('headRows', () => {
  it('shows the first rows with each argmax, and recognises rows of class probabilities', () => {
    const probs = new Float32Array([0.1, 0.7, 0.2, 0.6, 0.3, 0.1, 0.2, 0.2, 0.6]);
    const head = headRows(probs, 3, 3, 2);
    expect(head.rows.map((r) => r.argmax)).toEqual([1, 0]);
    expect(head.rows).toHaveLength(2);
    expect(head.probabilities).toBe(true);
    const logits = headRows(new Float32Array([-1, 3, 2, 0]), 2, 2);
    expect(logits.probabilities).toBe(false);
    expect(logits.rows.map((r) => r.argmax)).toEqual([1, 0]);
    const wide = headRows(
      new Float32Array(40).map((_, i) => i % 20),
      2,
      20,
      8,
      10,
    );
    expect(wide.shownCols).toBe(10);
    expect(wide.rows[0]!.values).toHaveLength(10);
    expect(wide.rows[0]!.argmax).toBe(19);
  });
});
