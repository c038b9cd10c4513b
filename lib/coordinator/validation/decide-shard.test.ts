import { describe, expect, it } from 'vitest';
import { decideShard, type Replica, type ShardView } from './decide-shard';

const pending = (over: Partial<ShardView> = {}): ShardView => ({
  status: 'pending',
  quorum: 2,
  maxResults: 4,
  resultsCount: 0,
  canonicalSha256: null,
  ...over,
});
const replica = (
  id: string,
  sha256: string,
  check: Replica['check'] = 'plausible',
  status: Replica['status'] = 'pending',
): Replica => ({
  id,
  sha256,
  status,
  check,
});
const exact = (a: string, b: string) => a === b;

describe('decideShard', () => {
  it('waits with one plausible result, verifies when a second agrees, and marks both valid', () => {
    const one = decideShard(pending({ resultsCount: 1 }), [replica('r1', 'x')], exact);
    expect(one.status).toBe('pending');
    expect(one.bestAgreeing).toBe(1);
    expect(one.results.get('r1')?.status).toBe('pending');

    const two = decideShard(pending({ resultsCount: 2 }), [replica('r1', 'x'), replica('r2', 'x')], exact);
    expect(two.status).toBe('verified');
    expect(two.canonicalSha256).toBe('x');
    expect([...two.results.values()].map((r) => r.status)).toEqual(['valid', 'valid']);
  });

  it('outvotes a disagreeing replica once a quorum forms, and never credits it', () => {
    const d = decideShard(
      pending({ resultsCount: 3 }),
      [replica('liar', 'y'), replica('a', 'x'), replica('b', 'x')],
      exact,
    );
    expect(d.status).toBe('verified');
    expect(d.results.get('liar')).toEqual({ status: 'invalid', reason: 'disagrees with the quorum' });
    expect(d.results.get('a')?.status).toBe('valid');
  });

  it('lets a result the check proved alone verify the shard with quorum 1', () => {
    const d = decideShard(pending({ quorum: 1, resultsCount: 1 }), [replica('r1', 'x', 'valid')], exact);
    expect(d).toMatchObject({ status: 'verified', canonicalSha256: 'x' });
    expect(d.results.get('r1')?.status).toBe('valid');
  });

  it('does not let a proof override a disagreeing replica, nor a quorum the submitter asked for', () => {
    // Two results pass the check (all ringers found) but one withheld a real match.
    const split = decideShard(
      pending({ quorum: 1, resultsCount: 2 }),
      [replica('a', 'x', 'valid'), replica('b', 'y', 'valid')],
      exact,
    );
    expect(split.results.get('b')).toEqual({ status: 'invalid', reason: 'disagrees with the quorum' });
    const asked = decideShard(pending({ quorum: 2, resultsCount: 1 }), [replica('a', 'x', 'valid')], exact);
    expect(asked.status).toBe('pending');
  });

  it('rejects a result whose check failed, with the check’s reason', () => {
    const bad: Replica = { ...replica('r1', 'x', 'invalid'), reason: 'Freivalds failed' };
    const d = decideShard(pending({ resultsCount: 1 }), [bad], exact);
    expect(d.results.get('r1')).toEqual({ status: 'invalid', reason: 'Freivalds failed' });
    expect(d.status).toBe('pending');
  });

  it('fails the shard at maxResults without a quorum', () => {
    const replicas = [replica('a', 'x'), replica('b', 'y'), replica('c', 'z'), replica('d', 'w')];
    expect(decideShard(pending({ resultsCount: 4 }), replicas, exact).status).toBe('failed');
  });

  it('treats an undecided check or comparison as nobody’s fault: nothing invalid, nothing failed, look again', () => {
    const stuck = decideShard(
      pending({ resultsCount: 4 }),
      [replica('a', 'x', 'undecided'), replica('b', 'y'), replica('c', 'z'), replica('d', 'w')],
      exact,
    );
    expect(stuck.undecided).toBe(true);
    expect(stuck.status).toBe('pending');
    expect(stuck.results.get('a')?.status).toBe('pending');

    const noCompare = decideShard(
      pending({ resultsCount: 4 }),
      [replica('a', 'x'), replica('b', 'y'), replica('c', 'z'), replica('d', 'w')],
      () => 'undecided',
    );
    expect(noCompare.undecided).toBe(true);
    expect(noCompare.status).toBe('pending');
    expect([...noCompare.results.values()].every((r) => r.status === 'pending')).toBe(true);
  });

  it('judges a late replica of a verified shard against the canonical result', () => {
    const verified = pending({ status: 'verified', canonicalSha256: 'x', resultsCount: 3 });
    const d = decideShard(
      verified,
      [replica('a', 'x', 'plausible', 'valid'), replica('late', 'x'), replica('wrong', 'y')],
      exact,
    );
    expect(d.status).toBe('verified');
    expect(d.results.get('a')?.status).toBe('valid');
    expect(d.results.get('late')?.status).toBe('valid');
    expect(d.results.get('wrong')).toEqual({
      status: 'invalid',
      reason: 'disagrees with the verified result',
    });
  });

  it('uses the kernel’s tolerance comparison, not only equal bytes', () => {
    const near = (a: string, b: string) => Math.abs(Number(a) - Number(b)) < 0.01;
    const d = decideShard(pending({ resultsCount: 2 }), [replica('a', '1.000'), replica('b', '1.005')], near);
    expect(d.status).toBe('verified');
  });

  it('leaves a shard of a closed job as it is', () => {
    const d = decideShard(pending({ status: 'cancelled', resultsCount: 1 }), [replica('a', 'x')], exact);
    expect(d.status).toBe('cancelled');
    expect(d.results.get('a')?.status).toBe('pending');
  });

  it('lets a trusted volunteer’s unproven result stand alone only where its lease skipped replication', () => {
    const alone = decideShard(
      pending({ quorum: 1, resultsCount: 1, trustedResultId: 't' }),
      [replica('t', 'x')],
      exact,
    );
    expect(alone.status).toBe('verified');
    expect(alone.canonicalSha256).toBe('x');
    // Anyone else's unproven result on such a shard still needs two that agree.
    const other = decideShard(
      pending({ quorum: 1, resultsCount: 1, trustedResultId: 't' }),
      [replica('n', 'x')],
      exact,
    );
    expect(other.status).toBe('pending');
    expect(other.quorum).toBe(2);
  });

  it('verifies only groups that hold a trusted result while newcomers may not form quorums alone', () => {
    const needsTrusted = new Set(['honest1', 'honest2']);
    const bloc = decideShard(
      pending({ resultsCount: 3, needsTrusted }),
      [replica('sybil1', 'forged'), replica('sybil2', 'forged'), replica('honest1', 'true')],
      exact,
    );
    expect(bloc.status).toBe('pending');
    // The newcomers' larger group cannot verify the shard, so it does not count: one more replica is
    // needed (scheduling leases quorum − bestAgreeing), else the shard would wait forever.
    expect(bloc.bestAgreeing).toBe(1);
    const settled = decideShard(
      pending({ resultsCount: 4, needsTrusted }),
      [
        replica('sybil1', 'forged'),
        replica('sybil2', 'forged'),
        replica('honest1', 'true'),
        replica('honest2', 'true'),
      ],
      exact,
    );
    expect(settled.status).toBe('verified');
    expect(settled.canonicalSha256).toBe('true');
    expect(settled.results.get('sybil1')?.status).toBe('invalid');
    expect(settled.results.get('honest2')?.status).toBe('valid');
  });

  describe('disputes between trusted volunteers', () => {
    const needsTrusted = new Set(['bloc1', 'bloc2', 'honest1', 'honest2']);
    const judge = (truth: string) => {
      const asked: string[] = [];
      const arbitrate = (sha: string) => {
        asked.push(sha);
        return sha === truth;
      };
      return { arbitrate, asked };
    };

    it("go to the coordinator's own computation, not to whoever supplies the tie-break replica", () => {
      const { arbitrate, asked } = judge('true');
      const d = decideShard(
        pending({ resultsCount: 3, needsTrusted }),
        [replica('bloc1', 'forged'), replica('honest1', 'true'), replica('bloc2', 'forged')],
        exact,
        arbitrate,
      );
      expect(d).toMatchObject({ status: 'verified', canonicalSha256: 'true', bestAgreeing: 1 });
      expect(d.results.get('honest1')).toEqual({ status: 'valid', reason: null });
      expect(d.results.get('bloc1')?.status).toBe('invalid');
      expect(d.results.get('bloc2')?.reason).toMatch(/own computation/);
      expect(asked.sort()).toEqual(['forged', 'true']);
    });

    it('settle a one-against-one split at once', () => {
      const d = decideShard(
        pending({ resultsCount: 2, needsTrusted }),
        [replica('honest1', 'true'), replica('bloc1', 'forged')],
        exact,
        judge('true').arbitrate,
      );
      expect(d.status).toBe('verified');
      expect(d.results.get('bloc1')?.status).toBe('invalid');
    });

    it('leave every result invalid and the shard open when nobody agrees with the coordinator', () => {
      const d = decideShard(
        pending({ resultsCount: 2, needsTrusted }),
        [replica('honest1', 'y'), replica('bloc1', 'z')],
        exact,
        judge('x').arbitrate,
      );
      expect(d).toMatchObject({ status: 'pending', bestAgreeing: 0, canonicalSha256: null });
      expect([...d.results.values()].map((r) => r.status)).toEqual(['invalid', 'invalid']);
    });

    it('fall back to replicas when the coordinator cannot compute the shard', () => {
      const d = decideShard(
        pending({ resultsCount: 3, needsTrusted }),
        [replica('bloc1', 'forged'), replica('honest1', 'true'), replica('honest2', 'true')],
        exact,
        () => 'undecided',
      );
      expect(d).toMatchObject({ status: 'verified', canonicalSha256: 'true' });
      expect(d.results.get('bloc1')?.reason).toBe('disagrees with the quorum');
    });

    it('are not arbitrated when only newcomers disagree with a trusted result (no free work for the coordinator)', () => {
      const { arbitrate, asked } = judge('true');
      const d = decideShard(
        pending({ resultsCount: 2, needsTrusted: new Set(['honest1']) }),
        [replica('honest1', 'true'), replica('newcomer', 'forged')],
        exact,
        arbitrate,
      );
      expect(asked).toEqual([]);
      expect(d.status).toBe('pending');
    });

    it('are not arbitrated where a check proved a result (the proof decides)', () => {
      const { arbitrate, asked } = judge('true');
      decideShard(
        pending({ quorum: 1, resultsCount: 2, needsTrusted }),
        [replica('honest1', 'true', 'valid'), replica('bloc1', 'forged', 'valid')],
        exact,
        arbitrate,
      );
      expect(asked).toEqual([]);
    });
  });

  it('gives a refused result its slot back, up to the cap, so liars cannot use up a shard', () => {
    const liars = [replica('l1', 'y', 'invalid'), replica('l2', 'z', 'invalid')];
    const freed = decideShard(
      pending({ resultsCount: 4, maxResults: 4, resultsCap: 12 }),
      [...liars, replica('a', 'x'), replica('b', 'w')],
      exact,
    );
    expect(freed).toMatchObject({ status: 'pending', maxResults: 6 });
    const capped = decideShard(
      pending({ resultsCount: 12, maxResults: 11, resultsCap: 12 }),
      [...liars, replica('a', 'x'), replica('b', 'w')],
      exact,
    );
    expect(capped).toMatchObject({ status: 'failed', maxResults: 12 });
    // Without a cap nothing is freed (the old rule).
    expect(
      decideShard(pending({ resultsCount: 4 }), [...liars, replica('a', 'x'), replica('b', 'w')], exact),
    ).toMatchObject({ status: 'failed', maxResults: 4 });
  });

  it('counts replicas of one party (a shared wallet or network prefix) as one vote', () => {
    const sameWallet = decideShard(
      pending({ resultsCount: 2 }),
      [
        { ...replica('a', 'forged'), party: 'w:0xbloc' },
        { ...replica('b', 'forged'), party: 'w:0xbloc' },
      ],
      exact,
    );
    expect(sameWallet).toMatchObject({ status: 'pending', bestAgreeing: 1 });
    const independent = decideShard(
      pending({ resultsCount: 3 }),
      [
        { ...replica('a', 'x'), party: 'w:0xbloc' },
        { ...replica('b', 'x'), party: 'w:0xbloc' },
        { ...replica('c', 'x'), party: 'v:c' },
      ],
      exact,
    );
    expect(independent).toMatchObject({ status: 'verified', bestAgreeing: 2 });
  });
});
