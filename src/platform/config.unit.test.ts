import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { ConfigError, SETTINGS, exportToEnvironment, loadConfig } from './config.ts';
import { REPO_ROOT } from '../../test/support/paths.ts';

const empty = mkdtempSync(join(tmpdir(), 'acci-config-'));

it('has working defaults', () => {
  const config = loadConfig({}, empty);
  assert.equal(config.port, 8080);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.dataDir, '.acci');
});

it('names the setting in every error', () => {
  const cases: Record<string, string> = {
    PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'not a url', DATABASE_POOL_SIZE: '0',
    REDIS_URL: 'http://x', TRUST_PROXY: 'maybe', ACCI_ADMIN_EMAIL: 'nope', LOG_FORMAT: 'xml',
    ACCI_RATE_LIMITS: 'maybe', HOST: '999.1.1.1',
  };
  for (const [name, value] of Object.entries(cases)) {
    assert.throws(() => loadConfig({ [name]: value }, empty), (e: unknown) => e instanceof ConfigError && e.setting === name && e.message.includes(name), name);
  }
});

it('rejects every PORT that is not a whole number in range', () => {
  fc.assert(fc.property(fc.string().filter((s) => !/^\d+$/.test(s.trim()) && s !== ''), (port) => {
    assert.throws(() => loadConfig({ PORT: port }, empty), ConfigError);
  }));
  fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), (port) => {
    assert.equal(loadConfig({ PORT: String(port) }, empty).port, port);
  }));
  assert.throws(() => loadConfig({ PORT: '70000' }, empty), /between 0 and 65535/);
});

it('ACCI_RATE_LIMITS is on or off', () => {
  assert.equal(loadConfig({}, empty).rateLimits, 'on');
  assert.equal(loadConfig({ ACCI_RATE_LIMITS: 'off' }, empty).rateLimits, 'off');
  for (const value of ['maybe', 'false', '0', 'OFF ']) assert.throws(() => loadConfig({ ACCI_RATE_LIMITS: value }, empty), /ACCI_RATE_LIMITS must be one of on, off/);
});

it('HOST is an IP address or a host name', () => {
  for (const value of ['0.0.0.0', '127.0.0.1', '::', '::1', 'localhost', 'api-1.internal.example']) assert.equal(loadConfig({ HOST: value }, empty).host, value);
  for (const value of ['999.1.1.1', '1.2.3', 'two words', 'http://x', '-lead.example', '[::1]']) {
    assert.throws(() => loadConfig({ HOST: value }, empty), /HOST must be an IP address or a host name/, value);
  }
});

it('requires the admin e-mail and password together', () => {
  assert.throws(() => loadConfig({ ACCI_ADMIN_EMAIL: 'admin@example.com' }, empty), /ACCI_ADMIN_PASSWORD/);
});

it('reads a JSON config file and lets the environment win', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acci-config-'));
  writeFileSync(join(dir, 'acci.config.json'), JSON.stringify({ PORT: 9000, LOG_LEVEL: 'debug' }));
  assert.equal(loadConfig({}, dir).port, 9000);
  assert.equal(loadConfig({ PORT: '9001' }, dir).port, 9001);
  writeFileSync(join(dir, 'broken.json'), '{');
  assert.throws(() => loadConfig({ ACCI_CONFIG: 'broken.json' }, dir), /ACCI_CONFIG file .* is not a JSON object/);
});

it('the README documents every setting', () => {
  const readme = readFileSync(resolve(REPO_ROOT, 'README.md'), 'utf8');
  for (const setting of Object.values(SETTINGS)) assert.match(readme, new RegExp(`\`${setting.env}\``), setting.env);
});

it('exports the file\'s settings to the environment the modules read, never over the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acci-config-'));
  const key = 'a'.repeat(64);
  writeFileSync(join(dir, 'acci.config.json'), JSON.stringify({ PUBLIC_URL: 'https://id.example', ACCI_SECRET_KEY: key, REDIS_URL: 'redis://file:6379', PORT: 9000 }));
  const env: NodeJS.ProcessEnv = { REDIS_URL: 'redis://env:6379' };
  exportToEnvironment(loadConfig(env, dir), env);
  assert.equal(env.PUBLIC_URL, 'https://id.example');
  assert.equal(env.ACCI_SECRET_KEY, key);
  assert.equal(env.REDIS_URL, 'redis://env:6379', 'the environment wins');
  assert.equal(env.PORT, '9000');
  assert.equal(env.LOG_LEVEL, undefined, 'defaults are not exported');
});

it('without PUBLIC_URL, links in mails point at the port the server listens on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acci-config-'));
  assert.equal(loadConfig({ PORT: '18481' }, dir).publicUrl, 'http://localhost:18481');
  assert.equal(loadConfig({}, dir).publicUrl, 'http://localhost:8080');
  assert.equal(loadConfig({ PORT: '18481', PUBLIC_URL: 'https://id.example' }, dir).publicUrl, 'https://id.example');
  const env: NodeJS.ProcessEnv = { PORT: '18481' };
  exportToEnvironment(loadConfig(env, dir), env);
  assert.equal(env.PUBLIC_URL, 'http://localhost:18481', 'the modules read it from the environment');
});
