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
 * Query parameters whose value is a credential: mail links carry single-use tokens (reset,
 * confirmation, invitation), OAuth and SAML flows codes, states and assertions. Matched anywhere in
 * the name (`access_token`, `api_key`, `X-Amz-Signature`); a harmless name redacted by mistake
 * only costs some debugging detail.
 */
const SECRET_QUERY_NAME = /token|code|key|secret|pass|pwd|sig|state|ticket|assertion|saml|relay|credential|auth|session|otp|nonce|verifier|jwt/i;

function decodedName(name: string): string {
  if (name.indexOf('%') === -1 && name.indexOf('+') === -1) return name;
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

// Split on '&' only, like the query parser: a value holding ';' or '#' is one value to the server.
function redactParameter(parameter: string): string {
  const equals = parameter.indexOf('=');
  if (equals === -1) {
    // An encoded '=' after a secret name (`token%3Dabc`, a client's own encoding) hides it whole.
    const decoded = decodedName(parameter);
    return decoded.includes('=') && SECRET_QUERY_NAME.test(decoded) ? '[REDACTED]' : parameter;
  }
  const name = parameter.slice(0, equals);
  return SECRET_QUERY_NAME.test(decodedName(name)) ? `${name}=[REDACTED]` : parameter;
}

/**
 * A request URL safe to log: the value of every secret-looking query parameter is replaced by
 * `[REDACTED]`, names and other parameters are kept.
 *
 * @example
 *   redactQuerySecrets('/reset-password?token=abc&lang=de') // '/reset-password?token=[REDACTED]&lang=de'
 */
export function redactQuerySecrets(url: string): string {
  const question = url.indexOf('?');
  // The router also starts the query at a '#' (a raw request target may hold one).
  const hash = url.indexOf('#');
  const start = hash !== -1 && (question === -1 || hash < question) ? hash : question;
  if (start === -1) return url;
  return url.slice(0, start + 1) + url.slice(start + 1).split('&').map(redactParameter).join('&');
}

/** Fastify logs a request as `req` in its rare own lines (e.g. a failed write); never with a raw URL. */
const serializers = {
  req: (req: { method?: string; url?: string; ip?: string }) => ({
    method: req.method,
    url: typeof req.url === 'string' ? redactQuerySecrets(req.url) : undefined,
    remoteAddress: req.ip,
  }),
};

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
    serializers,
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
