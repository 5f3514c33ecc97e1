import type { Logger } from './logger.js';

/** A security alert: ids and kinds only, never names or values (it lands in logs and chat tools). */
export interface Alert {
  type: 'break_glass' | 'anomaly' | 'audit_failure';
  severity: 'warning' | 'critical';
  actorId: string;
  patientId?: string;
  grantId?: string;
  detail?: string;
}

/**
 * Raises an alert: one warning log line always, and a POST to ALERT_WEBHOOK_URL when set. The
 * webhook is best effort with a deadline, so an unreachable receiver never holds a request.
 */
export function raiseAlert(alert: Alert, logger: Logger, webhookUrl: string | undefined): Promise<void> {
  logger.warn({ alert }, `security alert: ${alert.type}`);
  if (!webhookUrl) return Promise.resolve();
  return fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...alert, at: new Date().toISOString(), source: 'ehr-gateway' }),
    signal: AbortSignal.timeout(3000),
  }).then(
    (res) => {
      if (!res.ok) logger.error({ status: res.status, type: alert.type }, 'alert webhook refused the alert');
    },
    (err: unknown) => logger.error({ errorName: (err as Error).name, type: alert.type }, 'alert webhook unreachable'),
  );
}
