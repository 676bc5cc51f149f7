import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, redactUrl } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(chunk.toString()); done(); } });
  return { lines, logger: createLogger({ level: 'info', format: 'json' }, stream) };
}

it('never writes passwords, tokens or secrets', () => {
  const { lines, logger } = capture();
  logger.info({ password: 'hunter2', body: { password: 'p4ss', refreshToken: 'rt-123' }, token: 'jwt-abc', headers: { authorization: 'Bearer xyz' }, secret: 's3' }, 'login');
  logger.child({ requestId: 'r1' }).info({ command: { password: 'child-secret' } }, 'command');
  const text = lines.join('');
  for (const secret of ['hunter2', 'p4ss', 'rt-123', 'jwt-abc', 'Bearer xyz', 's3"', 'child-secret']) assert.ok(!text.includes(secret), secret);
  const line = JSON.parse(lines[0]!);
  assert.equal(line.level, 30);
  assert.equal(line.password, '[REDACTED]');
});

it('drops the password from connection strings', () => {
  assert.equal(redactUrl('postgres://app:topsecret@db:5432/acci'), 'postgres://app:***@db:5432/acci');
  assert.equal(redactUrl('::'), '[unparseable url]');
});
