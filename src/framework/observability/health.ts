/**
 * Readiness checks registered by whoever owns a dependency (database, Redis, broker).
 * A check resolves when healthy and throws (or rejects) with a reason otherwise.
 */
export type HealthCheck = { name: string; check: () => Promise<void>; timeoutMs?: number };

export type HealthReport = {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'ok' | 'unavailable'; durationMs: number; error?: string }>;
};

export async function runHealthChecks(checks: readonly HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check, timeoutMs = 2000 }) => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { status: 'ok' as const, durationMs: Math.round(performance.now() - started) }] as const;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return [name, { status: 'unavailable' as const, durationMs: Math.round(performance.now() - started), error: message }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report: HealthReport['checks'] = Object.fromEntries(results);
  const healthy = Object.values(report).every((r) => r.status === 'ok');
  return { status: healthy ? 'ok' : 'unavailable', checks: report };
}
