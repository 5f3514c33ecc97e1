import { randomUUID } from 'node:crypto';
import { DISABLED_ACCOUNTS_PATH, type InternalTokenSigner, type Logger, type PeerFetch } from '@ehr/common';

/**
 * Which accounts are disabled, as the audit subgraph's database says, refreshed every
 * `intervalMs` (2 s), so every gateway replica refuses a disabled account within seconds of the
 * monitor disabling it. If the audit subgraph cannot be asked, the last known list stays.
 */
export class DisabledAccounts {
  private disabled = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly auditUrl: string,
    private readonly signer: InternalTokenSigner,
    private readonly logger: Logger,
    private readonly intervalMs = 2000,
    private readonly fetchPeer: PeerFetch = fetch,
  ) {}

  has(sub: string): boolean {
    return this.disabled.has(sub);
  }

  async refresh(): Promise<void> {
    try {
      const token = await this.signer.sign(
        {
          sub: 'gateway',
          roles: ['admin'],
          sid: 'gateway',
          auditId: 'system',
          requestId: randomUUID(),
          clientIp: 'internal',
          breakGlass: [],
          deidentified: false,
        },
        'audit',
      );
      const res = await this.fetchPeer(new URL(DISABLED_ACCOUNTS_PATH, this.auditUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(this.intervalMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.disabled = new Set(((await res.json()) as { disabled: string[] }).disabled);
    } catch (err) {
      this.logger.debug({ errorName: (err as Error).name }, 'disabled accounts not refreshed');
    }
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
