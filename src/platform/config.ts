import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';

/** Raised for any bad setting; the CLI prints its one-line message and exits with code 2. */
export class ConfigError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`Invalid configuration: ${setting} ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Parser<T> = (raw: string, name: string) => T;

const integer = (min: number, max: number): Parser<number> => (raw, name) => {
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number between ${min} and ${max} (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
};
const oneOf = <T extends string>(values: readonly T[]): Parser<T> => (raw, name) => {
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${values.join(', ')} (got "${raw}")`);
  return raw as T;
};
const url = (protocols: readonly string[]): Parser<string> => (raw, name) => {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL like ${protocols[0]}//host:port/... (got an unparseable value)`);
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')} (got ${parsed.protocol})`);
  return raw;
};
const text: Parser<string> = (raw) => raw;
/** An IP address or a host name; a dotted number that is no IPv4 address (`999.1.1.1`) is refused here, not at listen. */
const host: Parser<string> = (raw, name) => {
  const value = raw.trim();
  const hostName = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
  const numeric = /^[\d.]+$/.test(value);
  if (isIP(value) === 0 && (numeric || !hostName.test(value))) throw new ConfigError(name, `must be an IP address or a host name of this machine (got "${raw}")`);
  return value;
};
const boolean: Parser<boolean> = (raw, name) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
};
const secretKey: Parser<string> = (raw, name) => {
  const value = raw.trim();
  const base64 = /^[A-Za-z0-9+/_-]{43}=?$/.test(value) && Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').length === 32;
  if (!/^[0-9a-f]{64}$/i.test(value) && !base64) throw new ConfigError(name, 'must be 32 random bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)');
  return value;
};
const email: Parser<string> = (raw, name) => {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw)) throw new ConfigError(name, `must be an e-mail address (got "${raw}")`);
  return raw;
};

/** Every setting: its environment name, default, parser and the line the README table shows. */
export const SETTINGS = {
  port: { env: 'PORT', parse: integer(0, 65535), default: 8080, doc: 'HTTP port' },
  host: { env: 'HOST', parse: host, default: '0.0.0.0', doc: 'Address to listen on' },
  logLevel: { env: 'LOG_LEVEL', parse: oneOf(LOG_LEVELS), default: 'info' as (typeof LOG_LEVELS)[number], doc: 'fatal, error, warn, info, debug, trace or silent' },
  logFormat: { env: 'LOG_FORMAT', parse: oneOf(['json', 'pretty'] as const), default: 'json' as 'json' | 'pretty', doc: 'json (default) or pretty' },
  databaseUrl: { env: 'DATABASE_URL', parse: url(['postgres:', 'postgresql:']), default: undefined as string | undefined, doc: 'External PostgreSQL 15+ (owner role, runs migrations); unset = embedded PostgreSQL' },
  databaseAppUrl: { env: 'DATABASE_APP_URL', parse: url(['postgres:', 'postgresql:']), default: undefined as string | undefined, doc: 'Login of the runtime (non-owner) role; unset = the owner connection with SET ROLE acci_app' },
  databasePoolSize: { env: 'DATABASE_POOL_SIZE', parse: integer(1, 500), default: 20, doc: 'Connections per pool' },
  dataDir: { env: 'ACCI_DATA_DIR', parse: text, default: '.acci', doc: 'Local data (embedded database, mail files)' },
  embeddedPgPort: { env: 'ACCI_EMBEDDED_PG_PORT', parse: integer(1024, 65535), default: 54329, doc: 'Port of the embedded PostgreSQL' },
  redisUrl: { env: 'REDIS_URL', parse: url(['redis:', 'rediss:']), default: undefined as string | undefined, doc: 'Redis for shared rate limits and caches (optional)' },
  amqpUrl: { env: 'AMQP_URL', parse: url(['amqp:', 'amqps:']), default: undefined as string | undefined, doc: 'RabbitMQ broker for integration events (optional)' },
  natsUrl: { env: 'NATS_URL', parse: url(['nats:', 'tls:']), default: undefined as string | undefined, doc: 'NATS JetStream broker (optional)' },
  trustProxy: { env: 'TRUST_PROXY', parse: boolean, default: false, doc: 'Trust X-Forwarded-* headers from a load balancer' },
  bodyLimit: { env: 'BODY_LIMIT', parse: integer(1024, 64 * 1024 * 1024), default: 1024 * 1024, doc: 'Largest request body in bytes' },
  shutdownTimeoutMs: { env: 'SHUTDOWN_TIMEOUT_MS', parse: integer(100, 60_000), default: 8_000, doc: 'How long SIGTERM waits for in-flight requests' },
  adminEmail: { env: 'ACCI_ADMIN_EMAIL', parse: email, default: undefined as string | undefined, doc: 'System admin created on first start' },
  adminPassword: { env: 'ACCI_ADMIN_PASSWORD', parse: text, default: undefined as string | undefined, doc: 'Password of that system admin' },
  smtpUrl: { env: 'SMTP_URL', parse: url(['smtp:', 'smtps:']), default: undefined as string | undefined, doc: 'SMTP server for mail; unset = .eml files under ACCI_DATA_DIR/mail' },
  secretKey: { env: 'ACCI_SECRET_KEY', parse: secretKey, default: undefined as string | undefined, doc: 'Master key sealing the JWT signing keys (32 bytes, hex or base64); unset = generated once into ACCI_DATA_DIR/secret.key (mode 0600). Set the same value on every instance sharing a database' },
  rateLimits: { env: 'ACCI_RATE_LIMITS', parse: oneOf(['on', 'off'] as const), default: 'on' as 'on' | 'off', doc: 'on (default) or off: off disables the token-bucket rate limits' },
  publicUrl: { env: 'PUBLIC_URL', parse: url(['http:', 'https:']), default: undefined as string | undefined, doc: 'Base URL used in links sent by mail (default http://localhost:<PORT>)' },
} as const;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: Settings[K]['default'] extends undefined ? ReturnType<Settings[K]['parse']> | undefined : ReturnType<Settings[K]['parse']> };

/**
 * Reads settings from an optional JSON file (`ACCI_CONFIG`, or `acci.config.json` in the working
 * directory) and then the environment, which wins. Throws ConfigError naming the bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const file = readConfigFile(env.ACCI_CONFIG, cwd);
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const fromEnv = env[setting.env];
    const fromFile = file[setting.env] ?? file[key];
    const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fromFile !== undefined ? String(fromFile) : undefined;
    config[key] = raw === undefined ? setting.default : (setting.parse as Parser<unknown>)(raw, setting.env);
  }
  // Links in mails must reach this server: without PUBLIC_URL they point at the port it listens on.
  if (config.publicUrl === undefined && config.port !== 0) config.publicUrl = `http://localhost:${String(config.port)}`;
  if ((config.adminEmail === undefined) !== (config.adminPassword === undefined)) {
    throw new ConfigError(config.adminEmail ? 'ACCI_ADMIN_PASSWORD' : 'ACCI_ADMIN_EMAIL', 'must be set together with the other ACCI_ADMIN_* setting');
  }
  return config as Config;
}

/**
 * Makes the configuration file's settings visible to the modules, which read theirs from the
 * environment (auth: ACCI_SECRET_KEY, PUBLIC_URL; mail: SMTP_URL; access: REDIS_URL, ...): every
 * setting the file changed from its default is exported under its variable name unless the
 * environment already sets it (the environment wins, as in loadConfig). `acci start` calls it
 * before it loads the server.
 *
 * @example
 *   exportToEnvironment(loadConfig()); // acci.config.json {"PUBLIC_URL": "https://id.example"} → process.env.PUBLIC_URL
 */
export function exportToEnvironment(config: Config, env: NodeJS.ProcessEnv = process.env): void {
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const value = config[key as keyof Config];
    if ((env[setting.env] === undefined || env[setting.env] === '') && value !== undefined && value !== setting.default) env[setting.env] = String(value);
  }
}

function readConfigFile(explicit: string | undefined, cwd: string): Record<string, unknown> {
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, 'acci.config.json');
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError('ACCI_CONFIG', `names a file that does not exist (${explicit})`);
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError('ACCI_CONFIG', `file ${path} is not a JSON object (${(error as Error).message})`);
  }
}
