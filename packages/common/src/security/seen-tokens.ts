/**
 * The internal tokens a subgraph has taken, until they expire: each one answers a single
 * request. Tokens all live about as long (60 s), so the map's insertion order is close to their
 * expiry order, and pruning stops at the first one still alive.
 */
export class SeenTokens {
  private readonly seen = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** True the first time a token id is presented; false for every later presentation. */
  first(jti: string, expiresAtS: number): boolean {
    const now = this.clock() / 1000;
    for (const [id, exp] of this.seen) {
      if (exp + 10 >= now) break;
      this.seen.delete(id);
    }
    if (this.seen.has(jti)) return false;
    this.seen.set(jti, expiresAtS);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
