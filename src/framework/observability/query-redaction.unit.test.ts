import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { createLogger, redactQuerySecrets } from './logger.ts';

describe('redactQuerySecrets', () => {
  it('replaces the value of a token parameter and keeps the other parameters', () => {
    assert.equal(redactQuerySecrets('/reset-password?token=abc123&lang=de'), '/reset-password?token=[REDACTED]&lang=de');
    assert.equal(redactQuerySecrets('/api/v1/users?page=2&limit=50'), '/api/v1/users?page=2&limit=50');
  });

  it('hides a parameter without "=" whose text names a secret (an encoded "=")', () => {
    assert.equal(redactQuerySecrets('/x?token%3DSECRET&lang=de'), '/x?[REDACTED]&lang=de');
    assert.equal(redactQuerySecrets('/x?debug&lang=de'), '/x?debug&lang=de');
  });

  it('returns a URL without a query unchanged', () => {
    assert.equal(redactQuerySecrets('/api/v1/auth/me'), '/api/v1/auth/me');
    assert.equal(redactQuerySecrets('/empty?'), '/empty?');
  });

  it('recognizes secret names in any case and with prefixes or suffixes', () => {
    const names = ['Token', 'access_token', 'ID_TOKEN', 'refresh_token', 'code', 'api_key', 'apiKey', 'client_secret', 'password',
      'signature', 'X-Amz-Signature', 'sig', 'state', 'ticket', 'assertion', 'SAMLResponse', 'RelayState'];
    for (const name of names) assert.equal(redactQuerySecrets(`/cb?${name}=s3cr3t&lang=de`), `/cb?${name}=[REDACTED]&lang=de`, name);
  });

  it('redacts every occurrence, and names the server decodes to a secret one', () => {
    assert.equal(redactQuerySecrets('/a?token=1&x=2&token=3'), '/a?token=[REDACTED]&x=2&token=[REDACTED]');
    assert.equal(redactQuerySecrets('/a?%74oken=abc'), '/a?%74oken=[REDACTED]');
    assert.equal(redactQuerySecrets('/a?access+token=abc&bad%zz=1'), '/a?access+token=[REDACTED]&bad%zz=1');
  });

  it('redacts the whole value up to the next "&", as the query parser reads it', () => {
    assert.equal(redactQuerySecrets('/a?token=ab=c;d#e&x=1'), '/a?token=[REDACTED]&x=1');
  });

  it('handles a query started by "#" (the router reads one) and absolute request targets', () => {
    assert.equal(redactQuerySecrets('/a#token=abc'), '/a#token=[REDACTED]');
    assert.equal(redactQuerySecrets('http://host:8080/a?token=abc'), 'http://host:8080/a?token=[REDACTED]');
  });

  it('leaves a parameter without a value as it is', () => {
    assert.equal(redactQuerySecrets('/a?token&x=1'), '/a?token&x=1');
  });

  it('never lets the value of a token parameter through, whatever surrounds it (property)', () => {
    const secretName = fc.tuple(
      fc.constantFrom('', 'access_', 'id_', 'refresh_', 'x-', 'my'),
      fc.mixedCase(fc.constantFrom('token', 'code', 'key', 'secret', 'password', 'signature', 'state', 'ticket', 'samlresponse', 'relaystate')),
      fc.constantFrom('', '_hash', 'Id', '[]', '2'),
    ).map((parts) => parts.join(''));
    const queryPart = fc.oneof(fc.webQueryParameters(), fc.string({ maxLength: 30 }));
    fc.assert(fc.property(fc.webPath(), queryPart, secretName, fc.string({ minLength: 8, maxLength: 40 }), queryPart,
      (path, before, name, token, after) => {
        const value = encodeURIComponent(token);
        fc.pre(![path, before, after, `${name}=[REDACTED]`].some((part) => part.includes(value) || part.includes(token)));
        const logged = redactQuerySecrets(`${path}?${before}&${name}=${value}&${after}`);
        return !logged.includes(value) && !logged.includes(token) && logged.includes(`&${name}=[REDACTED]&`);
      }));
  });
});

it('logs a request object with its URL redacted (the rare lines Fastify writes with `req`)', () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done(); } });
  createLogger({ level: 'info', format: 'json' }, sink).info({ req: { method: 'GET', url: '/reset-password?token=tok-123', ip: '127.0.0.1' } }, 'write failed');
  const line = JSON.parse(lines[0]!) as { req: Record<string, unknown> };
  assert.deepEqual(line.req, { method: 'GET', url: '/reset-password?token=[REDACTED]', remoteAddress: '127.0.0.1' });
});
