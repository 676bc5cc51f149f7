import { it } from 'node:test';
import assert from 'node:assert/strict';
import { isConnectionError } from './database.ts';

it('treats connection, authentication and availability failures as "database unavailable"', () => {
  const unavailable = [
    '08000', '08001', '08003', '08004', '08006', '08P01', // connection exceptions
    '28000', '28P01', // invalid authorization: unknown role, wrong password, not permitted to log in
    '3D000', // database does not exist
    '53300', // too many connections
    '57P01', '57P02', '57P03', '57P05', // admin/crash shutdown, cannot connect now, idle session timeout
    'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  ];
  for (const code of unavailable) assert.equal(isConnectionError(Object.assign(new Error('x'), { code })), true, code);
  for (const message of ['timeout exceeded when trying to connect', 'Connection terminated unexpectedly', 'Connection terminated due to connection timeout', 'Cannot use a pool after calling end on the pool']) {
    assert.equal(isConnectionError(new Error(message)), true, message);
  }
  // ALTER DATABASE ... ALLOW_CONNECTIONS false: logins are refused with 55000.
  assert.equal(isConnectionError(Object.assign(new Error('database "acci" is not currently accepting connections'), { code: '55000' })), true);
});

it('leaves statement errors alone (they are bugs or bad input, not an outage)', () => {
  for (const code of ['23505', '23503', '42P01', '42501', '22P02', '40001', '57014', '55000', 'ERR_SOMETHING']) {
    assert.equal(isConnectionError(Object.assign(new Error('x'), { code })), false, code);
  }
  for (const value of [null, undefined, 'ECONNREFUSED', 42, new Error('syntax error at or near "x"')]) assert.equal(isConnectionError(value), false);
});
