import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken, parseToken } from './opaque.ts';
import { open, parseMasterKey, resolveMasterKey, seal } from '../keys/master-key.ts';
import { durationSeconds } from '../directory.ts';
import { ipAllowed } from '../deps.ts';
import { permissionsForRole } from '../permissions.ts';

describe('opaque tokens', () => {
  it('carry the tenant and are stored only as a hash', () => {
    const tenantId = randomUUID();
    const { token, hash } = mintToken(tenantId);
    assert.match(token, /^[A-Za-z0-9_-]{64}$/);
    const parsed = parseToken(token);
    assert.equal(parsed?.tenantId, tenantId);
    assert.deepEqual(parsed?.hash, hash);
    assert.notEqual(mintToken(tenantId).token, token);
  });

  it('rejects anything malformed without throwing', () => {
    for (const bad of ['', 'x', 42, null, `${'A'.repeat(63)}!`, 'A'.repeat(65), `${'A'.repeat(60)}＠＠＠＠`]) {
      assert.equal(parseToken(bad), null);
    }
  });
});

describe('master key', () => {
  it('accepts 32 bytes as hex or base64 and nothing else', () => {
    assert.equal(parseMasterKey('ab'.repeat(32))?.length, 32);
    assert.equal(parseMasterKey(Buffer.alloc(32, 7).toString('base64'))?.length, 32);
    assert.equal(parseMasterKey(Buffer.alloc(32, 7).toString('base64url'))?.length, 32);
    assert.equal(parseMasterKey('too short'), null);
    assert.equal(parseMasterKey('ab'.repeat(31)), null);
  });

  it('is generated once under the data directory with mode 0600', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'acci-key-')), 'nested');
    const first = resolveMasterKey({ dataDir });
    const second = resolveMasterKey({ dataDir });
    assert.deepEqual(first, second);
    assert.equal(statSync(join(dataDir, 'secret.key')).mode & 0o777, 0o600);
    const given = resolveMasterKey({ dataDir, secretKey: 'cd'.repeat(32) });
    assert.equal(given.toString('hex'), 'cd'.repeat(32));
    assert.throws(() => resolveMasterKey({ dataDir, secretKey: 'nope' }), /ACCI_SECRET_KEY/);
  });

  it('seals with AES-256-GCM bound to a context', () => {
    const key = Buffer.alloc(32, 1);
    const sealed = seal(key, Buffer.from('private'), 'jwk:a');
    assert.equal(open(key, sealed, 'jwk:a').toString(), 'private');
    assert.throws(() => open(key, sealed, 'jwk:b'));
    assert.throws(() => open(Buffer.alloc(32, 2), sealed, 'jwk:a'));
  });
});

describe('policy helpers', () => {
  it('reads session timeouts', () => {
    assert.equal(durationSeconds('PT8H'), 28_800);
    assert.equal(durationSeconds('PT1M'), 60);
    assert.equal(durationSeconds('PT1H30M'), 5_400);
    assert.equal(durationSeconds('P1D'), null);
    assert.equal(durationSeconds('PT'), null);
  });

  it('matches client IPs against CIDR ranges', () => {
    assert.ok(ipAllowed('10.1.2.3', []));
    assert.ok(ipAllowed('10.1.2.3', ['10.0.0.0/8']));
    assert.ok(ipAllowed('::ffff:10.1.2.3', ['10.0.0.0/8']));
    assert.ok(!ipAllowed('192.168.1.1', ['10.0.0.0/8']));
    assert.ok(ipAllowed('2001:db8::1', ['2001:db8::/32']));
    assert.ok(!ipAllowed('2001:db9::1', ['2001:db8::/32', '10.0.0.0/8']));
    assert.ok(ipAllowed('127.0.0.1', ['127.0.0.1']));
  });

  it('grants built-in roles their permissions', () => {
    assert.ok(permissionsForRole('admin').includes('sessions:revoke'));
    assert.ok(!permissionsForRole('admin').includes('tenants:create'));
    assert.ok(permissionsForRole('system_admin').includes('tenants:create'));
    assert.deepEqual([...permissionsForRole('user')], ['profile:read', 'profile:update']);
    assert.ok(permissionsForRole('read_only').every((p) => /:(read|list)$/.test(p)));
  });
});
