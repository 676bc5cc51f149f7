import { hkdfSync, randomUUID } from 'node:crypto';
import type { AcciModule, ModuleContext } from '../../framework/module.ts';
import { createAuthenticator } from './authenticator.ts';
import { createUserCache, type AuthDeps, type AuthSettings } from './deps.ts';
import type { AuthDirectory } from './directory.ts';
import { KEYS_CHANNEL, createKeyStore } from './keys/keystore.ts';
import type { AuthOutbox } from './mail.ts';
import { createPasswordHasher, type Argon2Parameters } from './passwords/hasher.ts';
import { registerIdempotency } from '../../framework/http/idempotency.ts';
import { registerAccountRoutes } from './routes/accounts.ts';
import { registerJwksRoute } from './routes/jwks.ts';
import { registerLoginRoutes } from './routes/login.ts';
import { registerSessionRoutes } from './routes/sessions.ts';
import { createRevocationSet } from './sessions/revocations.ts';
import { revokeUserSessions } from './sessions/service.ts';
import { deactivationRevokesSessions } from './sessions/deactivation.ts';
import { emailChangeSendsConfirmation } from './email-change.ts';
import { permissionsForRole } from './permissions.ts';
import { DEFAULT_THROTTLE, type ThrottleSettings } from './throttle.ts';

export type AuthModuleOptions = {
  /** Tenants and users as auth needs them (the users module's exports). */
  directory: (context: ModuleContext) => AuthDirectory;
  /** The mail outbox the module's mails are queued in (the platform's; its worker sends them). */
  outbox: (context: ModuleContext) => AuthOutbox;
  /** The 32-byte master key sealing the signing keys (see keys/master-key.ts). */
  masterKey: () => Buffer;
  passwordParameters?: Argon2Parameters;
  throttle?: Partial<ThrottleSettings>;
  /** How often the signing key is replaced (default 30 days); older keys stay published until their tokens expire. */
  keyRotationSeconds?: number;
  /** Safety-net reload of the revocation set (default 5 s; NOTIFY is the fast path). */
  revocationReloadMs?: number;
  /** Per-process user/tenant cache of the authenticated hot path (default 1 s). */
  userCacheTtlMs?: number;
} & Partial<AuthSettings>;

/** What the module exposes to the platform and to tests once it is registered. */
export type AuthModule = AcciModule & {
  /** The flows' dependencies (available after `register`/`authenticator`). */
  deps: () => AuthDeps;
  /** Ends every session of a user at once (deactivation, security response); returns how many. */
  revokeUserSessions: (tenantId: string, userId: string, reason: string, correlationId?: string) => Promise<number>;
};

/**
 * The authentication module: password sign-in, sessions, JWT access + rotating refresh tokens,
 * brute-force protection, account flows, the JWKS and the request authenticator.
 *
 * @example
 *   const auth = createAuthModule({ directory, outbox, masterKey: () => key });
 *   const app = await buildApp({ ..., modules: [tenantsModule, auth] });
 */
export function createAuthModule(options: AuthModuleOptions): AuthModule {
  let deps: AuthDeps | undefined;
  let ready: Promise<void> | undefined;

  const build = (context: ModuleContext): AuthDeps => {
    if (deps) return deps;
    const settings: AuthSettings = {
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 300,
      refreshReuseGraceMs: options.refreshReuseGraceMs ?? 2_000,
      passwordResetTtlSeconds: options.passwordResetTtlSeconds ?? 3_600,
      emailConfirmationTtlSeconds: options.emailConfirmationTtlSeconds ?? 86_400,
      publicUrl: options.publicUrl ?? 'http://localhost:8080',
    };
    const keys = createKeyStore({
      app: context.db.app,
      system: context.db.system,
      masterKey: options.masterKey(),
      accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
      ...(options.keyRotationSeconds ? { rotationAfterSeconds: options.keyRotationSeconds } : {}),
    });
    const directory = options.directory(context);
    const logins = context.metrics.counter('acci_auth_logins_total', 'Sign-in attempts by outcome', ['outcome']);
    deps = {
      db: context.db.app,
      events: context.eventStore,
      directory,
      hasher: createPasswordHasher(options.passwordParameters),
      keys,
      revoked: createRevocationSet({
        system: context.db.system,
        logger: context.logger,
        ...(options.revocationReloadMs ? { reloadIntervalMs: options.revocationReloadMs } : {}),
        channels: { [KEYS_CHANNEL]: () => void keys.reload().catch((error: unknown) => context.logger.warn({ err: error }, 'signing key reload failed')) },
      }),
      throttle: { ...DEFAULT_THROTTLE, ...options.throttle },
      outbox: options.outbox(context),
      translations: context.translations,
      logger: context.logger,
      settings,
      users: createUserCache(directory, options.userCacheTtlMs),
      countLogin: (outcome) => logins.inc({ outcome }),
      permissionsOf: (principal) => context.permissionsOf?.(principal) ?? permissionsForRole(principal.role),
      allows: (principal, permission, resource) => context.allows?.(principal, permission, resource)
        ?? (permissionsForRole(principal.role).some((p) => p === permission)
          && (resource.ownerId === undefined || resource.ownerId === principal.userId || principal.role === 'admin' || principal.isSystemAdmin)),
    };
    return deps;
  };

  const prepare = (context: ModuleContext) => (ready ??= (async () => {
    const d = build(context);
    await Promise.all([d.keys.ensureActive(), d.revoked.start()]);
  })());

  return {
    name: 'auth',
    projections: [deactivationRevokesSessions(() => deps), emailChangeSendsConfirmation(() => deps)],
    authenticator(context) {
      const d = build(context);
      return createAuthenticator(d.keys, d.revoked, d.users);
    },
    async register(app, context) {
      await prepare(context);
      const d = build(context);
      // Registration and reset bodies hold passwords: their stored request hashes are keyed.
      registerIdempotency(app, { db: context.db.app, secret: Buffer.from(hkdfSync('sha256', options.masterKey(), '', 'acci idempotency request hash', 32)) });
      registerLoginRoutes(app, d);
      registerSessionRoutes(app, d);
      registerAccountRoutes(app, d);
    },
    registerRoot(app, context) {
      registerJwksRoute(app, build(context));
    },
    async stop() {
      await deps?.revoked.stop();
    },
    deps() {
      if (!deps) throw new Error('auth module not registered yet');
      return deps;
    },
    revokeUserSessions(tenantId, userId, reason, correlationId = randomUUID()) {
      if (!deps) throw new Error('auth module not registered yet');
      return revokeUserSessions(deps, tenantId, userId, reason, { ip: '', userAgent: null, correlationId });
    },
  };
}
