import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

/** Paths whose values never reach a log line, wherever they appear in a logged object. */
// Explicit paths only: a leading wildcard (`*.password`) makes pino's redaction walk every key of
// every logged object and costs ~5x per line. Log objects that may hold secrets under these names.
const SECRET_KEYS = ['password', 'newPassword', 'currentPassword', 'token', 'refreshToken', 'accessToken', 'idToken', 'secret', 'clientSecret', 'apiKey', 'totpCode', 'recoveryCode'];
export const REDACTED_PATHS = [
  ...SECRET_KEYS,
  ...['body', 'data', 'command', 'input', 'credentials'].flatMap((parent) => SECRET_KEYS.map((key) => `${parent}.${key}`)),
  'authorization', 'cookie', 'headers.authorization', 'headers.cookie',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]',
  'databaseUrl', 'connectionString',
];

export type LogFormat = 'json' | 'pretty';

/**
 * The process logger: JSON lines in production, pretty in development, secrets redacted.
 *
 * @example
 *   const log = createLogger({ level: 'info', format: 'json' });
 */
export function createLogger(
  options: { level: string; format: LogFormat; name?: string },
  destination?: DestinationStream,
): Logger {
  const config: LoggerOptions = {
    name: options.name ?? 'acci',
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    base: { pid: process.pid },
  };
  if (options.format === 'pretty' && !destination) {
    return pino({ ...config, transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true } } });
  }
  return destination ? pino(config, destination) : pino(config);
}

/** Turns a connection string into something safe to print: the password is dropped. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}

export type { Logger };
