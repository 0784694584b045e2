import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per app instance (tests build several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'thaogo_' });
  const labelNames = ['queue'] as const;
  return {
    registry,
    updatesReceived: new Counter({ name: 'thaogo_updates_received_total', help: 'Updates accepted by ingress', labelNames: ['platform', 'result'] as const, registers: [registry] }),
    webhookRejected: new Counter({ name: 'thaogo_webhook_rejected_total', help: 'Webhook requests refused', labelNames: ['reason'] as const, registers: [registry] }),
    jobsCompleted: new Counter({ name: 'thaogo_jobs_completed_total', help: 'Jobs completed', labelNames, registers: [registry] }),
    updatesLocal: new Counter({ name: 'thaogo_updates_local_runs_total', help: 'Runs of stored updates handled in the receiving process, without a job', registers: [registry] }),
    jobsFailed: new Counter({ name: 'thaogo_jobs_failed_total', help: 'Job attempts failed', labelNames, registers: [registry] }),
    jobsStalled: new Counter({ name: 'thaogo_jobs_stalled_total', help: 'Jobs stalled (worker lost)', labelNames, registers: [registry] }),
    queueDepth: new Gauge({ name: 'thaogo_queue_waiting', help: 'Jobs waiting per queue', labelNames, registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
