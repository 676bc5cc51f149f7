import type { FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AcciModule, ModuleContext } from '../../framework/module.ts';
import type { Authorize } from '../../framework/cqrs/index.ts';
import type { HttpServer, Principal } from '../../framework/http/index.ts';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import { createMemoryStore, createRedisStore, registerRateLimit, type RateLimitStore } from '../../framework/ratelimit/index.ts';
import { createAuthorize } from './authorize.ts';
import { registerEnforcement, type DeclaredRoute } from './enforce.ts';
import { bucketsFor, commandBuckets, rateLimitsFromEnvironment, type RateLimitSettings } from './limits.ts';
import { createCatalog } from './catalog.ts';
import { createPolicyEngine, type PolicyEngine } from './policy/engine.ts';
import { DEFAULT_POLICY_FILE, MODEL_FILE, watchPolicyFile } from './policy/files.ts';
import { assertStorageQuota, createApiCallCounter, quotasFor, type ApiCallCounter, type PlanQuotas } from './quotas.ts';
import { createStorageLookup } from './storage.ts';
import { registerAccessRoutes } from './routes.ts';
import { registerIdempotency } from '../../framework/http/idempotency.ts';
import { createPlanLookup } from './plans.ts';
import { createRoleService } from './roles/service.ts';
import { loadAllTenants, reloadTenant } from './roles/store.ts';

export type AccessOptions = {
  policyFile?: string;
  /** Reload the policy file when it changes (default true). */
  watchPolicy?: boolean;
  rateLimits?: RateLimitSettings;
  /** Shared buckets across instances; default `REDIS_URL`, in memory when absent. */
  redisUrl?: string;
  /** The subscription plan of a tenant; default: the tenants module's record, cached a minute. */
  planOf?: (tenantId: string) => string;
  /**
   * Enforce plan quotas (default true): API calls per month (counted), storage (the bytes of a
   * tenant's events, checked with each write request's body size; `storageTtlMs` how long a
   * tenant's figure is reused, default 5 s).
   */
  quotas?: boolean | { flushMs?: number; storageTtlMs?: number; plans?: Readonly<Record<string, PlanQuotas>> };
};

/** Requests that store data, checked against the storage quota (DELETE stays open: it frees). */
const WRITES: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

type AppState = {
  planOf: (tenantId: string) => string;
  store: RateLimitStore & { ping?: () => Promise<void> };
  counter: ApiCallCounter | undefined;
  stopListening?: () => void;
  stopWatch?: () => void;
  stopped?: boolean;
};

/**
 * The access module: policy engine, enforcement on every route, rate limits, quotas, role API.
 *
 * @example
 *   const access = createAccess({ rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false } });
 *   buildApp({ modules: [access.module, ...] });
 *   access.effectivePermissions(principal); // ['profile:read', ...]
 */
export type Access = {
  module: AcciModule;
  /** The engine (after the module was registered). */
  engine: () => PolicyEngine;
  /** Every route seen by the enforcement hook (the permission matrix walks them). */
  routes: readonly DeclaredRoute[];
  effectivePermissions: (principal: Principal) => readonly string[];
  rolesOf: (principal: Principal) => string[];
};

export function createAccess(options: AccessOptions = {}): Access {
  const policyFile = options.policyFile ?? DEFAULT_POLICY_FILE;
  const routes: DeclaredRoute[] = [];
  const apps = new WeakMap<ModuleContext, AppState>();
  const running = new Set<AppState>();
  const planOfApp = (context: ModuleContext) => apps.get(context)?.planOf ?? options.planOf ?? (() => 'free');
  let engine: PolicyEngine | undefined;
  let engineReady: Promise<PolicyEngine> | undefined;

  /** One engine per access instance, over the catalog of the modules of the first app that asks. */
  const ensureEngine = (context: ModuleContext) => (engineReady ??= (async () => {
    const [model, policy] = await Promise.all([readFile(MODEL_FILE, 'utf8'), readFile(policyFile, 'utf8')]);
    engine = await createPolicyEngine({ model, policy, source: basename(policyFile), catalog: createCatalog(context.declaredPermissions) });
    return engine;
  })());
  const current = (): PolicyEngine => {
    if (!engine) throw new Error('the access module is not registered yet');
    return engine;
  };

  /**
   * LISTEN acci_access on a dedicated connection; a lost connection is dropped (never returned to
   * the pool still listening) and re-established after a second, reloading every tenant since
   * notifications may have been missed meanwhile.
   */
  const listen = async (context: ModuleContext, state: AppState, policy: PolicyEngine): Promise<void> => {
    const client = await context.db.system.pool.connect();
    let dropped = false;
    const drop = (error?: Error) => {
      if (dropped) return;
      dropped = true;
      client.removeAllListeners('notification');
      client.release(error ?? true);
    };
    client.on('notification', (message) => {
      const tenantId = message.payload;
      if (message.channel !== 'acci_access' || !tenantId) return;
      reloadTenant(context.db.app, policy, tenantId).catch((error: unknown) => context.logger.error({ err: error, tenantId }, 'access policy reload failed'));
    });
    client.on('error', (error) => {
      drop(error);
      if (state.stopped) return;
      context.logger.warn({ err: error }, 'access policy listener lost its connection; reconnecting');
      setTimeout(() => {
        if (state.stopped) return;
        listen(context, state, policy)
          .then(() => loadAllTenants(context.db.system, policy))
          .catch((failure: unknown) => context.logger.error({ err: failure }, 'access policy listener could not reconnect'));
      }, 1000).unref();
    });
    try {
      await client.query('LISTEN acci_access');
    } catch (error) {
      drop(error as Error);
      throw error;
    }
    state.stopListening = () => drop();
  };

  const settingsOf = () => options.rateLimits ?? rateLimitsFromEnvironment();
  let authorizeWith: { engine: PolicyEngine; authorize: Authorize } | undefined;
  const authorize: Authorize = (principal, request) => {
    const policy = current();
    if (authorizeWith?.engine !== policy) authorizeWith = { engine: policy, authorize: createAuthorize(policy) };
    return authorizeWith.authorize(principal, request);
  };

  const module: AcciModule = {
    name: 'access',
    authorizer: () => authorize,
    permissionsOf: () => (principal) => current().permissionsOf(principal),
    allows: () => (principal, permission, resource) => current().decide(principal, permission, resource) === 'allow',
    customRoleExists: () => (tenantId, role) => current().hasCustomRole(tenantId, role),
    rateLimiter: (context) => async (principal, command) => {
      const store = apps.get(context)?.store;
      const settings = settingsOf();
      if (!store || !settings.enabled || !principal) return { allowed: true };
      try {
        const result = await store.take(commandBuckets(principal, command.type, settings, planOfApp(context)));
        if (result.allowed) return { allowed: true };
        return { allowed: false, retryAfterSeconds: Math.max(...result.buckets.map((b) => b.retryAfterMs)) / 1000 };
      } catch (error) {
        context.logger.warn({ err: error }, 'rate limit store unavailable; command allowed');
        return { allowed: true };
      }
    },
    async global(app: HttpServer, context: ModuleContext) {
      const policy = await ensureEngine(context);
      const settings = settingsOf();
      const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
      const store = redisUrl ? createRedisStore({ url: redisUrl }) : createMemoryStore();
      const quota = options.quotas ?? true;
      const counter = quota === false ? undefined : createApiCallCounter({
        db: context.db.system,
        ...(typeof quota === 'object' && quota.flushMs ? { flushMs: quota.flushMs } : {}),
        ...(typeof quota === 'object' && quota.plans ? { quotas: quota.plans } : {}),
      });
      const lookup = options.planOf
        ? { planOf: options.planOf, loadedPlanOf: options.planOf }
        : createPlanLookup({ db: context.db.app, onError: (error) => context.logger.warn({ err: error }, 'tenant plan lookup failed') });
      const { planOf, loadedPlanOf } = lookup;
      const storage = quota === false ? undefined : createStorageLookup({
        db: context.db.app,
        ...(typeof quota === 'object' && quota.storageTtlMs !== undefined ? { ttlMs: quota.storageTtlMs } : {}),
        onError: (error) => context.logger.warn({ err: error }, 'tenant storage lookup failed'),
      });
      const plans = typeof quota === 'object' ? quota.plans : undefined;
      apps.set(context, { planOf, store, counter });
      if (settings.enabled) {
        registerRateLimit(app, {
          store,
          bucketsFor: (request) => bucketsFor(request, settings, planOf),
          onStoreError: (error, request) => request.log.warn({ err: error }, 'rate limit store unavailable; request allowed'),
        });
      }
      // Quotas are checked in the enforcement hook, once the request is allowed: one hook, not two.
      const checkQuotas = (request: FastifyRequest, tenantId: string, plan: string): Promise<void> | void => {
        // No closure per request on this path: under tsx each one also pays a keepNames __name() call.
        if (!storage || !WRITES.has(request.method)) return counter?.check(tenantId, plan);
        const quota = quotasFor(plan, plans);
        const adding = Number(request.headers['content-length'] ?? 0);
        // Usually from memory; once the figure is older than its TTL, this request waits for a fresh one.
        const used = storage.fresh(tenantId);
        if (typeof used !== 'number') return used.then((bytes) => { assertStorageQuota(quota, bytes, adding); return counter?.check(tenantId, plan); });
        assertStorageQuota(quota, used, adding);
        return counter?.check(tenantId, plan);
      };
      const quotas = counter || storage
        ? (request: FastifyRequest, principal: Principal): Promise<void> | void => {
          const tenantId = principal.tenantId;
          if (tenantId === PLATFORM_TENANT_ID) return undefined;
          // The tenant's real plan, waited for on its first request in this process (quota refusals
          // last until the month ends; the strictest plan as a stand-in refused paying tenants).
          const plan = loadedPlanOf(tenantId);
          return typeof plan === 'string' ? checkQuotas(request, tenantId, plan) : plan.then((loaded) => checkQuotas(request, tenantId, loaded));
        }
        : undefined;
      registerEnforcement(app, policy, routes, quotas);
    },
    async register(app, context) {
      const policy = await ensureEngine(context);
      const roles = createRoleService({ db: context.db.app, engine: policy, bus: context.commandBus });
      const plans = typeof options.quotas === 'object' ? options.quotas.plans : undefined;
      registerIdempotency(app, { db: context.db.app });
      registerAccessRoutes(app, { engine: policy, db: context.db.app, roles, counter: () => apps.get(context)?.counter, ...(plans ? { plans } : {}) });
    },
    async start(context) {
      const policy = await ensureEngine(context);
      const state: AppState = apps.get(context) ?? { planOf: planOfApp(context), store: createMemoryStore(), counter: undefined };
      running.add(state);
      const tenants = await loadAllTenants(context.db.system, policy);
      context.logger.info({ tenants, version: policy.version() }, 'access policy loaded');
      await listen(context, state, policy);
      if (options.watchPolicy !== false) {
        state.stopWatch = watchPolicyFile(policy, policyFile, {
          onReload: () => context.logger.info({ file: policyFile, version: policy.version() }, 'access policy reloaded'),
          onError: (error) => context.logger.error({ err: error, file: policyFile }, 'access policy reload refused; the previous policy stays in force'),
        });
      }
    },
    async stop() {
      for (const state of running) {
        state.stopped = true;
        state.stopWatch?.();
        state.stopListening?.();
        await state.counter?.stop();
        await state.store.close();
      }
      running.clear();
    },
    healthChecks: (context) => {
      const store = apps.get(context)?.store;
      const ping = store?.ping;
      return ping ? [{ name: 'redis', check: () => ping() }] : [];
    },
  };

  return {
    module,
    engine: current,
    routes,
    effectivePermissions: (principal) => current().permissionsOf(principal),
    rolesOf: (principal) => current().rolesOf(principal),
  };
}
