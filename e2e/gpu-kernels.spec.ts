import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import {
  bytesOf,
  f32Of,
  initWorker,
  openLab,
  randomF32,
  runShard,
  type WireRequest,
  worstErrorRatio,
} from './gpu-lab-fixtures';

// Every kernel's WGSL, run by the compute worker on Chromium's WebGPU (SwiftShader here), against
// an independent ground truth computed in this Node process, and against the kernel's CPU reference.

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await openLab(page);
  const adapter = await initWorker(page, 'gpu');
  expect(adapter.mode, adapter.description).toBe('webgpu');
});

const VARIANTS = {
  // What the runtime picks on SwiftShader; forced explicitly so a change of default cannot hide it.
  register: { fallback: true },
  // Pretend a real GPU so matmul picks its shared-memory tiled shader.
  tiled: { fallback: false, vendor: 'test', architecture: 'discrete' },
} as const;

for (const [variant, adapterOverride] of Object.entries(VARIANTS)) {
  test(`matmul ${variant}: awkward sizes match the exact product within the f32 bound for k`, async ({
    page,
  }) => {
    for (const [rows, cols, k] of [
      [1, 1, 1],
      [7, 13, 5],
      [33, 65, 17],
      [64, 64, 64],
      [3, 5, 1023],
    ] as const) {
      const a = randomF32(rows * k, rows * 1000 + k);
      const b = randomF32(k * cols, cols * 1000 + k + 1);
      const request: WireRequest = {
        kernel: 'matmul',
        params: { m: rows, n: cols, k, row0: 0, rows, col0: 0, cols },
        inputs: { a: bytesOf(a), b: bytesOf(b) },
      };
      const out = await runShard(page, 'gpu', request, { adapterOverride });
      if (!out.ok) throw new Error(`${rows}×${cols}×${k}: ${out.name}: ${out.message}`);
      expect(out.shaderKey).toBe(`matmul/${variant}/8x8`);
      expect(out.result.length).toBe(rows * cols * 4);
      // The tolerance: γ_k·(|A||B|)ᵢⱼ, the error bound of any f32 summation order of length k.
      expect(
        worstErrorRatio(f32Of(out.result), a, b, rows, cols, k),
        `${rows}×${cols}×${k}`,
      ).toBeLessThanOrEqual(1);
      expect(out.agrees, `${rows}×${cols}×${k} agrees with matmul.reference`).toBe(true);
      expect(out.gpuMs).toBeGreaterThanOrEqual(0);
    }
  });
}

test('matmul picks the register-blocked variant by itself on SwiftShader', async ({ page }) => {
  const a = randomF32(16, 1);
  const out = await runShard(page, 'gpu', {
    kernel: 'matmul',
    params: { m: 4, n: 4, k: 4, row0: 0, rows: 4, col0: 0, cols: 4 },
    inputs: { a: bytesOf(a), b: bytesOf(a) },
  });
  expect(out.ok && out.shaderKey).toBe('matmul/register/8x8');
});

/** sha256(prefix ‖ nonce as u64 LE) via node:crypto. */
function digestOf(prefixHex: string, nonce: bigint): Buffer {
  const prefix = Buffer.from(prefixHex, 'hex');
  const message = Buffer.alloc(prefix.length + 8);
  prefix.copy(message);
  message.writeBigUInt64LE(nonce, prefix.length);
  return createHash('sha256').update(message).digest();
}

/** Nonces in the range whose sha256(prefix ‖ u64 LE) has ≥ difficulty leading zero bits, via node:crypto. */
function expectedNonces(prefixHex: string, difficulty: number, start: bigint, count: number): bigint[] {
  const found: bigint[] = [];
  for (let i = 0n; i < BigInt(count); i++) {
    const top = digestOf(prefixHex, start + i).readBigUInt64BE(0);
    const zeros = top === 0n ? 64 : 64 - top.toString(2).length;
    if (zeros >= difficulty) found.push(start + i);
  }
  return found;
}

/**
 * 16 ringer nonces spread over the range, including its first and last nonce and (where the range
 * crosses one) both sides of a 2^32 boundary, with a repeat, and their digests computed here.
 */
function ringersFor(
  prefixHex: string,
  start: bigint,
  count: number,
): { nonces: bigint[]; ringers: string[] } {
  const n = BigInt(count);
  const nonces = Array.from({ length: 16 }, (_, j) => start + ((BigInt(j) * 7919n) % n));
  nonces[0] = start;
  nonces[1] = start + n - 1n;
  nonces[2] = nonces[1];
  const boundary = ((start >> 32n) + 1n) << 32n;
  if (boundary > start && boundary < start + n) {
    nonces[3] = boundary - 1n;
    nonces[4] = boundary;
  }
  return { nonces, ringers: nonces.map((nonce) => digestOf(prefixHex, nonce).toString('hex')) };
}

function nonces(bytes: number[]): bigint[] {
  const buffer = Buffer.from(bytes);
  return Array.from({ length: buffer.length / 8 }, (_, i) => buffer.readBigUInt64LE(8 * i));
}

test('hashsearch finds exactly the reference nonces and every ringer, across 2^32 boundaries and prefix lengths', async ({
  page,
}) => {
  const cases = [
    { prefix: '', difficulty: 6, nonceStart: 0n, nonceCount: 5000 },
    { prefix: 'abcd', difficulty: 7, nonceStart: 2n ** 32n - 2500n, nonceCount: 5000 },
    // 61 bytes: the nonce straddles the first and second final block.
    { prefix: 'ff'.repeat(61), difficulty: 6, nonceStart: 5n * 2n ** 32n - 1000n, nonceCount: 3000 },
    // 100 bytes: a midstate over one whole block, then an unaligned nonce.
    { prefix: '5a'.repeat(100), difficulty: 8, nonceStart: 2n ** 63n - 7n, nonceCount: 4000 },
    // The top of the u64 range.
    { prefix: '01020304050607', difficulty: 5, nonceStart: 2n ** 64n - 3000n, nonceCount: 3000 },
  ];
  for (const c of cases) {
    const planted = ringersFor(c.prefix, c.nonceStart, c.nonceCount);
    const params = {
      prefix: c.prefix,
      difficulty: c.difficulty,
      nonceStart: c.nonceStart.toString(),
      nonceCount: c.nonceCount,
      ringers: planted.ringers,
    };
    const out = await runShard(page, 'gpu', { kernel: 'hashsearch', params, inputs: {} });
    if (!out.ok) throw new Error(`${JSON.stringify(params)}: ${out.name}: ${out.message}`);
    const expected = expectedNonces(c.prefix, c.difficulty, c.nonceStart, c.nonceCount);
    expect(expected.length, 'the case must have matches to be a test').toBeGreaterThan(10);
    // The contract: sorted matches, then the nonce behind each ringer in ringer order.
    expect(nonces(out.result)).toEqual([...expected, ...planted.nonces]);
    expect(out.agrees, 'byte-identical to hashsearch.reference').toBe(true);
  }
});

test('hashsearch at a high difficulty over many nonces returns only the ringer nonces when nothing matches', async ({
  page,
}) => {
  const planted = ringersFor('cafe', 0n, 2 ** 16);
  const params = {
    prefix: 'cafe',
    difficulty: 40,
    nonceStart: '0',
    nonceCount: 2 ** 16,
    ringers: planted.ringers,
  };
  const out = await runShard(page, 'gpu', { kernel: 'hashsearch', params, inputs: {} });
  if (!out.ok) throw new Error(`${out.name}: ${out.message}`);
  expect(nonces(out.result)).toEqual(planted.nonces);
  expect(out.agrees).toBe(true);
});

test('hashsearch refuses a lease whose ringer is not in its range instead of returning a result', async ({
  page,
}) => {
  const planted = ringersFor('cafe', 0n, 1000);
  // Ringer 7 names a nonce just past the range: no honest search can find it.
  planted.ringers[7] = digestOf('cafe', 1000n).toString('hex');
  const params = {
    prefix: 'cafe',
    difficulty: 8,
    nonceStart: '0',
    nonceCount: 1000,
    ringers: planted.ringers,
  };
  const out = await runShard(page, 'gpu', { kernel: 'hashsearch', params, inputs: {} });
  expect(out.ok).toBe(false);
  expect(!out.ok && out.message).toMatch(/ringer 7/);
});

test('the WGSL SHA-256 matches FIPS 180-4 vectors and node:crypto for every nonce offset', async ({
  page,
}) => {
  const fips = [
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
  ];
  // Lengths 8..136: every prefix length 0..128 the shader handles (all offsets mod 4, one and two
  // final blocks, nonces across the block boundary, midstates of one and two blocks).
  const messages = [
    ...fips.map(([text]) => Array.from(Buffer.from(text!))),
    ...Array.from({ length: 129 }, (_, i) =>
      Array.from({ length: i + 8 }, (_, j) => (j * 131 + i * 7 + 3) & 0xff),
    ),
  ];
  const digests = await page.evaluate(async (all) => {
    const api = window.__sparecyclesLab!.worker('gpu');
    const out: string[] = [];
    for (const message of all) {
      const digest = await api.gpuSha256(Uint8Array.from(message));
      out.push(Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join(''));
    }
    return out;
  }, messages);
  expect(digests.slice(0, 2)).toEqual(fips.map(([, digest]) => digest));
  expect(digests).toEqual(
    messages.map((message) => createHash('sha256').update(Buffer.from(message)).digest('hex')),
  );
});
