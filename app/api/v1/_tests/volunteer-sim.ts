import { expect } from 'vitest';
import { getKernel } from '@/lib/kernels/registry';
import { api, fromAddress, leaseInputs, settle } from './harness';

export interface LeaseJson {
  leaseId: string;
  jobId: string;
  shardId: string;
  kernel: string;
  params: unknown;
  inputs: { name: string; url: string; sha256: string; bytes: number }[];
  deadline: string;
}

/** A simulated volunteer speaking the HTTP protocol; computes with the kernel's CPU reference. */
export class SimVolunteer {
  private constructor(
    readonly id: string,
    readonly token: string,
    /** The client address its requests come from (as the production server reports it); none = loopback-like. */
    readonly address?: string,
  ) {}

  static async register(site?: string, address?: string): Promise<SimVolunteer> {
    const r = await api.register(site ? { site } : {}, undefined, fromAddress(address));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return new SimVolunteer(r.body.volunteerId, r.body.token, address);
  }

  /** A volunteer whose requests come from `address`. */
  static async from(address: string): Promise<SimVolunteer> {
    return SimVolunteer.register(undefined, address);
  }

  async lease(max = 16, extra: Record<string, unknown> = {}): Promise<LeaseJson[]> {
    const r = await api.lease(
      this.token,
      { max, webgpu: true, ...extra },
      undefined,
      fromAddress(this.address),
    );
    expect(r.status).toBe(200);
    return r.body.leases as LeaseJson[];
  }

  /** The honest answer for a lease, from the kernel's CPU reference over the leased inputs. */
  async compute(lease: LeaseJson): Promise<Uint8Array> {
    const kernel = getKernel(lease.kernel);
    if (!kernel) throw new Error(`unknown kernel ${lease.kernel}`);
    return kernel.reference({ params: lease.params, inputs: await leaseInputs(lease) });
  }

  async submitBatch(parts: { leaseId: string; bytes: Uint8Array }[]) {
    const r = await api.batch(this.token, parts);
    expect(r.status).toBe(200);
    return r.body.results as {
      leaseId: string;
      status?: string;
      error?: { code: string; httpStatus: number };
    }[];
  }

  /** Submits the honest answer to each lease, passed through `change` (a liar's edit) when given. */
  async answer(leases: LeaseJson[], change: (honest: Uint8Array) => Uint8Array = (bytes) => bytes) {
    return this.submitBatch(
      await Promise.all(
        leases.map(async (l) => ({ leaseId: l.leaseId, bytes: change(await this.compute(l)) })),
      ),
    );
  }

  /** Leases and honestly completes work until none is left for this volunteer; returns shards done. */
  async work(options: { batch?: number; rounds?: number } = {}): Promise<number> {
    let done = 0;
    for (let round = 0; round < (options.rounds ?? 1000); round++) {
      let leases = await this.lease(options.batch ?? 16);
      if (leases.length === 0) {
        // Leasing skips shards another transaction holds (the background validator's write, on
        // Postgres): ask once more after the pipeline is idle, as real volunteers ask again after
        // `retryAfterMs`, before concluding there is no work.
        await settle();
        leases = await this.lease(options.batch ?? 16);
        if (leases.length === 0) return done;
      }
      const results = await this.answer(leases);
      for (const r of results) expect(r.error).toBeUndefined();
      done += leases.length;
    }
    return done;
  }

  async me() {
    const r = await api.me(this.token);
    expect(r.status).toBe(200);
    return r.body as {
      credit: { pending: number; verified: number };
      shardsDone: number;
      shardsRejected: number;
      site: string | null;
    };
  }
}
