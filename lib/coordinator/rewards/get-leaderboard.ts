import { sql } from 'drizzle-orm';
import { shortHex } from '../../chain/short-hex';
import { type Queryable, queryRows } from '../../db/client';

/** One row of the volunteer table: an anonymous volunteer, or every volunteer linked to one wallet. */
export interface LeaderboardVolunteer {
  rank: number;
  /** `0x1234…abcd` for a linked wallet, else the first 8 hex digits of the volunteer id. */
  label: string;
  /** The linked wallet (lower-case hex), or null for an anonymous volunteer. */
  address: string | null;
  /** Verified work units in the credit ledger. */
  credit: number;
  /** Verified, credited results. */
  results: number;
}

/** One row of the site table: credit donated by visitors through a site's widget. */
export interface LeaderboardSite {
  rank: number;
  site: string;
  credit: number;
  /** Distinct volunteers who earned credit through the site. */
  volunteers: number;
  results: number;
}

export interface Leaderboard {
  volunteers: LeaderboardVolunteer[];
  sites: LeaderboardSite[];
}

/**
 * The top volunteers and sites by verified credit, straight from the credit ledger (`credits`), so
 * the page shows exactly what rewards are paid on. Volunteers who linked the same wallet count as
 * one entry (rewards are paid per address); anonymous volunteers appear under a short id, never
 * their token or anything else that identifies them. Ties are broken by name so the order is stable.
 */
export async function getLeaderboard(db: Queryable, options: { limit?: number } = {}): Promise<Leaderboard> {
  const limit = options.limit ?? 50;
  const volunteerRows = await queryRows<{
    address: string | null;
    volunteer_id: string;
    credit: number | string;
    results: number | string;
  }>(
    db,
    sql`
      SELECT max(v.address) AS address, min(v.id::text) AS volunteer_id,
             sum(c.work_units) AS credit, count(*)::int AS results
      FROM credits c JOIN volunteers v ON v.id = c.volunteer_id
      GROUP BY coalesce(v.address, v.id::text)
      ORDER BY credit DESC, coalesce(max(v.address), min(v.id::text)) ASC
      LIMIT ${limit}
    `,
  );
  const siteRows = await queryRows<{
    site: string;
    credit: number | string;
    volunteers: number | string;
    results: number | string;
  }>(
    db,
    sql`
      SELECT c.site AS site, sum(c.work_units) AS credit,
             count(DISTINCT c.volunteer_id)::int AS volunteers, count(*)::int AS results
      FROM credits c
      WHERE c.site IS NOT NULL
      GROUP BY c.site
      ORDER BY credit DESC, c.site ASC
      LIMIT ${limit}
    `,
  );
  return {
    volunteers: volunteerRows.map((row, i) => ({
      rank: i + 1,
      label: row.address ? shortHex(row.address) : row.volunteer_id.replaceAll('-', '').slice(0, 8),
      address: row.address,
      credit: Number(row.credit),
      results: Number(row.results),
    })),
    sites: siteRows.map((row, i) => ({
      rank: i + 1,
      site: row.site,
      credit: Number(row.credit),
      volunteers: Number(row.volunteers),
      results: Number(row.results),
    })),
  };
}
