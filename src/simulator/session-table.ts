/**
 * Sessions held in memory, each owned by one client (its remote address): a session nobody has
 * used for `idleMs` is ended, and a client may hold at most `maxPerClient` at once, so clients that
 * leave without ending their sessions (the MCP inspector, scripts that exit) neither fill the
 * server nor lock other clients out.
 */
export interface SessionTableOptions<T> {
  idleMs: number;
  maxPerClient: number;
  /** Called once for every session that ends by expiry, by delete or by close. */
  onEnd: (value: T, why: 'expired' | 'deleted' | 'closed') => void;
}

interface Held<T> {
  value: T;
  client: string;
  lastUsed: number;
}

export const DEFAULT_IDLE_MINUTES = 15;
export const DEFAULT_MAX_SESSIONS_PER_CLIENT = 1_000;
/** The sweep runs this often at most, so expiry is at most this late. */
const MAX_SWEEP_MS = 30_000;

export class SessionTable<T> {
  private readonly held = new Map<string, Held<T>>();
  private readonly perClient = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: SessionTableOptions<T>) {
    if (!(options.idleMs > 0)) throw new RangeError(`SessionTable: idleMs is ${options.idleMs}: give a positive number of milliseconds`);
    if (!(Number.isInteger(options.maxPerClient) && options.maxPerClient >= 1)) {
      throw new RangeError(`SessionTable: maxPerClient is ${options.maxPerClient}: give a whole number, at least 1`);
    }
    this.sweeper = setInterval(() => this.sweep(), Math.min(MAX_SWEEP_MS, Math.max(10, options.idleMs / 4)));
    // The sweep must never keep a process alive that has nothing else to do.
    this.sweeper.unref();
  }

  get size(): number {
    return this.held.size;
  }

  /** Whether `client` may open another session. */
  hasRoomFor(client: string): boolean {
    return (this.perClient.get(client) ?? 0) < this.options.maxPerClient;
  }

  add(id: string, client: string, value: T): void {
    this.held.set(id, { value, client, lastUsed: Date.now() });
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
  }

  /** The session, marked as used now. */
  use(id: string): T | undefined {
    const held = this.held.get(id);
    if (held) held.lastUsed = Date.now();
    return held?.value;
  }

  /** Ends a session (no-op for an unknown id). */
  delete(id: string, why: 'expired' | 'deleted' | 'closed' = 'deleted'): void {
    const held = this.held.get(id);
    if (!held) return;
    this.held.delete(id);
    const left = (this.perClient.get(held.client) ?? 1) - 1;
    if (left > 0) this.perClient.set(held.client, left);
    else this.perClient.delete(held.client);
    this.options.onEnd(held.value, why);
  }

  values(): T[] {
    return [...this.held.values()].map((h) => h.value);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const id of [...this.held.keys()]) this.delete(id, 'closed');
  }

  private sweep(): void {
    const before = Date.now() - this.options.idleMs;
    for (const [id, held] of this.held) if (held.lastUsed <= before) this.delete(id, 'expired');
  }
}
