import type { ResultStatus, ShardStatus } from '../../protocol/states';
import { groupAgreeing } from './group-agreeing';

/** One replica as the validator sees it, after the kernel's check ran (or could not). */
export interface Replica {
  id: string;
  sha256: string;
  status: ResultStatus;
  /**
   * The kernel's check: `valid` proves the result alone, `plausible` needs a quorum, `invalid` is
   * wrong, `undecided` means the check could not run now (it threw or ran out of budget — not the
   * volunteer's fault; the validator tries again later).
   */
  check: 'valid' | 'plausible' | 'invalid' | 'undecided';
  /** Why the check said `invalid`. */
  reason?: string;
  /**
   * Who stands behind it (`partyKeys`): replicas with one key — one volunteer, a shared wallet or
   * network prefix — count as one vote. Absent: the replica is its own party.
   */
  party?: string;
}

export interface ShardView {
  status: ShardStatus;
  quorum: number;
  maxResults: number;
  /** Results received so far, of any verdict. */
  resultsCount: number;
  /**
   * Most results the shard may ever receive, refused ones included (`replication.max` × 3): each
   * result found wrong frees its slot (`maxResults` grows by one) up to this, so liars cannot fail
   * a submitter's job by using up its replicas. Absent: refused results free nothing.
   */
  resultsCap?: number;
  canonicalSha256: string | null;
  /**
   * Adaptive replication: the result of the trusted volunteer whose lease skipped replication
   * (`shards.trusted_volunteer_id`); it may verify a quorum-1 shard alone although unproven.
   */
  trustedResultId?: string | null;
  /**
   * New identities are never the only replicas: while trusted volunteers are active on the kernel, an
   * agreeing group verifies the shard only if it holds a result from one of them (these ids).
   */
  needsTrusted?: ReadonlySet<string> | null;
}

/** Whether two results (by address) agree; `undecided` when the comparison could not run now. */
export type Agree = (a: string, b: string) => boolean | 'undecided';

/**
 * The coordinator's own computation of the shard, as an arbiter: whether a result (by address)
 * agrees with it; `undecided` when the coordinator cannot or may not compute it (no CPU reference,
 * over its budget).
 */
export type Arbitrate = (sha256: string) => boolean | 'undecided';

/** Distinct parties among agreeing replicas: what a quorum counts. */
const votes = (g: readonly Replica[]) => new Set(g.map((r) => r.party ?? r.id)).size;

const arbiterReason = "disagrees with the coordinator's own computation of this disputed shard";

export interface ShardDecision {
  status: ShardStatus;
  canonicalSha256: string | null;
  /** Size of the largest group of agreeing, not-invalid results. */
  bestAgreeing: number;
  /** Agreeing results the shard needs from now on (raised to 2 when nothing could be proven). */
  quorum: number;
  /** The shard's `maxResults` from now on: one more for each result this decision refused, up to `resultsCap`. */
  maxResults: number;
  /** The status each replica should have now, with the reason for `invalid`. */
  results: Map<string, { status: ResultStatus; reason: string | null }>;
  /** Something could not be decided now: keep the shard due for another look. */
  undecided: boolean;
}

/**
 * Decides a shard from its replicas: the validator's whole rule, with no database and no kernel.
 *
 * - A result whose check failed is `invalid`.
 * - A verified shard takes a late replica as `valid` when it agrees with the canonical result.
 * - A result the check proved alone (`valid`) verifies a shard whose quorum is 1, unless another
 *   replica disagrees with it.
 * - Otherwise replicas are grouped by agreement; a group of `quorum` parties (`Replica.party`: one
 *   volunteer, wallet or network prefix counts once) verifies the shard, its members
 *   become `valid` and every other decided replica `invalid`.
 * - Trusted volunteers who disagree (two groups each holding a trusted result, nothing proven) are
 *   judged by `arbitrate`, the coordinator's own computation, where it can run: the group that agrees
 *   with it verifies the shard, every other result is `invalid` — a bloc of trusted identities cannot
 *   win a dispute by supplying the tie-break replica.
 * - Without a quorum after `maxResults` results the shard fails — unless something was undecided,
 *   in which case nothing is failed now.
 * - `bestAgreeing` counts only groups that may verify the shard (`needsTrusted`), so a group that
 *   cannot verify it never stops the shard from being leased again.
 *
 * @example decideShard({status: 'pending', quorum: 2, maxResults: 4, resultsCount: 2, canonicalSha256: null},
 *   [{id: 'r1', sha256: 'x', status: 'pending', check: 'plausible'}, {id: 'r2', sha256: 'x', status: 'pending', check: 'plausible'}],
 *   (a, b) => a === b) // → status 'verified', both 'valid'
 */
export function decideShard(
  shard: ShardView,
  replicas: readonly Replica[],
  agree: Agree,
  arbitrate?: Arbitrate,
): ShardDecision {
  const decision = decideWithin(shard, replicas, agree, arbitrate);
  // Paid results never exceed the reservation (replication.max per shard) while each refused result
  // frees its slot: a refused result is never paid.
  const refused = replicas.filter(
    (r) => r.status === 'pending' && decision.results.get(r.id)?.status === 'invalid',
  ).length;
  const maxResults = Math.max(
    shard.maxResults,
    Math.min(shard.resultsCap ?? shard.maxResults, shard.maxResults + refused),
  );
  const reopened = decision.status === 'failed' && shard.resultsCount < maxResults;
  return { ...decision, status: reopened ? 'pending' : decision.status, maxResults };
}

function decideWithin(
  shard: ShardView,
  replicas: readonly Replica[],
  agree: Agree,
  arbitrate?: Arbitrate,
): Omit<ShardDecision, 'maxResults'> {
  const results = new Map<string, { status: ResultStatus; reason: string | null }>();
  let undecided = false;
  const safeAgree = (a: Replica, b: Replica): boolean => {
    if (a.sha256 === b.sha256) return true;
    const answer = agree(a.sha256, b.sha256);
    if (answer === 'undecided') {
      undecided = true;
      return false;
    }
    return answer;
  };

  const candidates: Replica[] = [];
  for (const r of replicas) {
    if (r.status === 'invalid' || r.check === 'invalid') {
      results.set(r.id, {
        status: 'invalid',
        reason: r.status === 'invalid' ? null : (r.reason ?? 'failed the check'),
      });
    } else if (r.check === 'undecided') {
      undecided = true;
      results.set(r.id, { status: r.status, reason: null });
    } else {
      candidates.push(r);
    }
  }

  if (shard.status === 'verified' && shard.canonicalSha256) {
    const canonical = { id: '', sha256: shard.canonicalSha256, status: 'valid', check: 'valid' } as const;
    for (const r of candidates) {
      if (r.status !== 'pending') {
        results.set(r.id, { status: r.status, reason: null });
        continue;
      }
      if (safeAgree(canonical, r)) results.set(r.id, { status: 'valid', reason: null });
      else if (!undecided)
        results.set(r.id, { status: 'invalid', reason: 'disagrees with the verified result' });
      else results.set(r.id, { status: 'pending', reason: null });
    }
    return {
      status: 'verified',
      canonicalSha256: shard.canonicalSha256,
      bestAgreeing: shard.quorum,
      quorum: shard.quorum,
      results,
      undecided,
    };
  }
  if (shard.status !== 'pending') {
    for (const r of candidates) results.set(r.id, { status: r.status, reason: null });
    return {
      status: shard.status,
      canonicalSha256: shard.canonicalSha256,
      bestAgreeing: 0,
      quorum: shard.quorum,
      results,
      undecided,
    };
  }

  // A proof settles a shard alone only where one result is all the submitter asked for, and only
  // while no other replica disagrees with it (a proof of work done is not a proof that nothing
  // was withheld); otherwise agreeing replicas must reach the quorum.
  // Adaptive replication: a trusted volunteer's unproven result stands alone where its lease's draw
  // skipped replication (the shard's quorum was lowered to 1 for it, and for nobody else).
  const trusted = shard.trustedResultId ? candidates.find((r) => r.id === shard.trustedResultId) : undefined;
  const proven = candidates.find((r) => r.check === 'valid') ?? (shard.quorum <= 1 ? trusted : undefined);
  const provenAlone =
    proven !== undefined && shard.quorum <= 1 && candidates.every((r) => safeAgree(proven, r));
  const groups = groupAgreeing(candidates, safeAgree);
  const vouched = (g: Replica[]) => !shard.needsTrusted || g.some((r) => shard.needsTrusted!.has(r.id));
  if (arbitrate && shard.needsTrusted && candidates.every((r) => r.check === 'plausible')) {
    const disputed = groups.filter((g) => g.some((r) => shard.needsTrusted!.has(r.id)));
    const judged = disputed.length >= 2 ? judgeDispute(groups, arbitrate) : undefined;
    if (judged) {
      for (const r of candidates)
        results.set(
          r.id,
          judged.winner?.includes(r)
            ? { status: 'valid', reason: null }
            : { status: 'invalid', reason: arbiterReason },
        );
      if (judged.winner)
        return {
          status: 'verified',
          canonicalSha256: judged.winner[0]!.sha256,
          bestAgreeing: votes(judged.winner),
          quorum: shard.quorum,
          results,
          undecided,
        };
      return {
        status: !undecided && shard.resultsCount >= shard.maxResults ? 'failed' : 'pending',
        canonicalSha256: null,
        bestAgreeing: 0,
        quorum: Math.max(shard.quorum, 2),
        results,
        undecided,
      };
    }
  }
  const best = provenAlone
    ? candidates
    : groups.reduce<Replica[]>(
        (a, g) => (votes(g) > votes(a) || (votes(g) === votes(a) && vouched(g) && !vouched(a)) ? g : a),
        [],
      );
  // Results nobody could prove (the check said `plausible`) always need two that agree, whatever
  // quorum was asked for: one unproven answer is one volunteer's word.
  const unproven = candidates.some((r) => r.check === 'plausible');
  const quorum = provenAlone || !unproven ? shard.quorum : Math.max(shard.quorum, 2);
  const verified = provenAlone || (votes(best) >= quorum && vouched(best));
  if (verified) {
    const winners = new Set(best);
    for (const r of candidates) {
      if (winners.has(r)) results.set(r.id, { status: 'valid', reason: null });
      else if (!undecided) results.set(r.id, { status: 'invalid', reason: 'disagrees with the quorum' });
      else results.set(r.id, { status: 'pending', reason: null });
    }
    return {
      status: 'verified',
      canonicalSha256: (provenAlone ? proven : best[0]!).sha256,
      bestAgreeing: votes(best),
      quorum,
      results,
      undecided,
    };
  }
  for (const r of candidates) results.set(r.id, { status: 'pending', reason: null });
  const failed = !undecided && shard.resultsCount >= shard.maxResults;
  return {
    status: failed ? 'failed' : 'pending',
    canonicalSha256: null,
    // Only a group that may verify the shard counts towards it: scheduling leases `quorum −
    // bestAgreeing` more replicas, so a larger group that cannot verify it (newcomers only, or
    // volunteers who lost their trust since) must not hold the shard back.
    bestAgreeing: Math.max(0, ...groups.filter(vouched).map(votes)),
    quorum,
    results,
    undecided,
  };
}

/**
 * Asks the arbiter about each group once (one representative stands for its group, which agrees
 * with it). Undefined when the arbiter cannot decide, so the ordinary rule applies; otherwise the
 * group that agrees with the coordinator's computation, if any.
 */
function judgeDispute(groups: Replica[][], arbitrate: Arbitrate): { winner: Replica[] | null } | undefined {
  let winner: Replica[] | null = null;
  for (const g of groups) {
    const verdict = arbitrate(g[0]!.sha256);
    if (verdict === 'undecided') return undefined;
    if (verdict && !winner) winner = g;
  }
  return { winner };
}
