/**
 * How `pillar.items` gets a freshly compiled pillar on a minion with a master: the minion daemon
 * registers a function that sends `_pillar` (with `pillarenv`, `saltenv` and the override) and
 * verifies the reply. Without one, `pillar.items` compiles locally (`file_client: local`) or
 * returns the pillar the minion already holds.
 */

/** What `pillar.items` asks the master for. */
export interface PillarFetchRequest {
  grains: Record<string, unknown>;
  saltenv: string | null;
  pillarenv: string | null;
  pillarOverride: Record<string, unknown>;
}

/** Fetches a pillar from the master for these minion options. */
export type PillarFetcher = (opts: Record<string, unknown>, request: PillarFetchRequest) => Promise<Record<string, unknown>>;

let fetcher: PillarFetcher | undefined;

/** Registers (or with undefined, removes) the master pillar fetcher. */
export function registerPillarFetcher(fn: PillarFetcher | undefined): void {
  fetcher = fn;
}

/** The registered master pillar fetcher, if any. */
export function pillarFetcher(): PillarFetcher | undefined {
  return fetcher;
}
