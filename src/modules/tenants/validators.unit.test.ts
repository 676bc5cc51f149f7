import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { isAppError } from '../../framework/errors/index.ts';
import {
  charLength, derivedSlug, durationSeconds, isCidr, normalizeCidr, isDomainName, isEmail, isReservedSlug, isSlug, normalizeEmail, platformHosts, slugify,
  validateDeletionReason, validateDomainNotReserved, validateRetention, validateSettings, validateSlug, validateTenantName,
} from './validators.ts';
import { visibleLength } from '../../framework/validation/index.ts';
import { DEFAULT_SECURITY_POLICY, mergeSettings, planLimits, seatLimit, allowsSelfService, type TenantSettings } from './domain.ts';
import { validateDisplayName, validateRole, validateDeactivationReason } from '../users/validators.ts';

const code = (fn: () => unknown): string | null => {
  try { fn(); return null; } catch (error) { return isAppError(error) ? error.code : 'not-an-app-error'; }
};
const settings: TenantSettings = { allowedAuthMethods: ['password'], maxUsers: 10, features: [], customDomain: null, securityPolicy: DEFAULT_SECURITY_POLICY };

describe('validators (property-based)', () => {
  it('tenant names: what is accepted is trimmed, 3–50 characters with 3 visible, free of control and format characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 70 }), (name) => {
      const result = code(() => validateTenantName(name));
      if (result !== null) return result === 'tenant.invalid_name';
      const valid = validateTenantName(name);
      const length = charLength(valid);
      return valid === name.trim() && length >= 3 && length <= 50 && visibleLength(valid) >= 3 && !/[\p{Cc}\u200b\u202a-\u202e\u2066-\u2069\ufeff\u2028\u2029]/u.test(valid);
    }));
  });

  it('tenant names: 3–50 visible characters (any script, spaces between) are accepted; shorter or longer ones refused', () => {
    const letter = fc.constantFrom('a', 'Z', 'ü', 'ß', 'ë', 'ç', 'Ж', '日', 'ع', '7', '&', '.');
    fc.assert(fc.property(fc.array(letter, { minLength: 1, maxLength: 60 }), fc.boolean(), (letters, spaced) => {
      const name = `  ${letters.join(spaced ? ' ' : '')}  `;
      const ok = letters.length >= 3 && charLength(name.trim()) <= 50;
      return ok ? validateTenantName(name) === name.trim() : code(() => validateTenantName(name)) === 'tenant.invalid_name';
    }));
  });

  it('tenant names: a control or format character anywhere, or no visible text at all, is refused', () => {
    const hidden = fc.constantFrom('\r', '\n', '\r\n', '\t', '\u0000', '\u007f', '\u0085', '\u00ad', '\u200b', '\u200e', '\u202e', '\u2066', '\u2028', '\u2060', '\ufeff');
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'É', 'x', '1'), minLength: 2, maxLength: 20 });
    fc.assert(fc.property(word, hidden, word, (left, char, right) => code(() => validateTenantName(`${left}${char}${right}`)) === 'tenant.invalid_name'));
    const invisible = fc.string({ unit: fc.constantFrom(' ', '\u00a0', '\u3000', '\u200b', '\u200c', '\u200d', '\u2060', '\u3164', '\u2800'), minLength: 3, maxLength: 50 });
    fc.assert(fc.property(invisible, (name) => code(() => validateTenantName(name)) === 'tenant.invalid_name'));
    assert.equal(code(() => validateTenantName('\u200b\u200b\u200b')), 'tenant.invalid_name');
    assert.equal(code(() => validateTenantName('Evil\r\nBcc: victim@example.org')), 'tenant.invalid_name');
  });

  it('slugify always yields a valid slug that is not reserved', () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (name) => isSlug(slugify(name)) && !isReservedSlug(slugify(name)) && code(() => validateSlug(slugify(name))) === null));
    fc.assert(fc.property(fc.uuid(), (id) => !isReservedSlug(slugify(id)) && !isReservedSlug(slugify(id.toUpperCase())) && code(() => validateSlug(slugify(id))) === null));
    assert.equal(slugify('Platform'), 'platform-tenant');
  });

  it('derived slugs (every attempt) are valid and never reserved', () => {
    const names = fc.oneof(fc.string({ maxLength: 80 }), fc.uuid(), fc.constantFrom('platform', 'Platform', ' PLATFORM '));
    fc.assert(fc.property(names, fc.integer({ min: 0, max: 6 }), (name, attempt) => {
      const slug = derivedSlug(name, attempt);
      return !isReservedSlug(slug) && code(() => validateSlug(slug)) === null;
    }));
  });

  it('slugs shaped like a UUID and the platform tenant\'s slug are reserved', () => {
    fc.assert(fc.property(fc.uuid(), (id) => isReservedSlug(id) && code(() => validateSlug(id)) === 'tenant.slug_reserved'));
    assert.equal(code(() => validateSlug('platform')), 'tenant.slug_reserved');
    for (const free of ['platforms', 'platform-2', 'my-platform', '123e4567-e89b-12d3-a456-42661417400', '123e4567-e89b-12d3-a456-4266141740000']) {
      assert.equal(code(() => validateSlug(free)), null, free);
    }
  });

  it('slugs never contain upper case, spaces or edge hyphens', () => {
    fc.assert(fc.property(fc.string({ maxLength: 70 }), (slug) => !isSlug(slug) || (/^[a-z0-9-]+$/.test(slug) && !slug.startsWith('-') && !slug.endsWith('-'))));
  });

  it('e-mails: generated addresses pass, normalization is idempotent, anything without exactly one @ fails', () => {
    fc.assert(fc.property(fc.emailAddress(), (email) => !email.includes('..') ? isEmail(email) : true));
    fc.assert(fc.property(fc.string(), (s) => normalizeEmail(normalizeEmail(s)) === normalizeEmail(s)));
    fc.assert(fc.property(fc.string().filter((s) => s.split('@').length !== 2), (s) => !isEmail(s)));
  });

  it('maxUsers: accepted exactly in 1–1,000,000', () => {
    fc.assert(fc.property(fc.integer({ min: -10, max: 2_000_000 }), (maxUsers) => {
      const result = code(() => validateSettings({ ...settings, maxUsers }));
      return maxUsers >= 1 && maxUsers <= 1_000_000 ? result === null : result === 'tenant.invalid_settings';
    }));
  });

  it('security policy ranges: passwordMinLength 8–128, maxLoginAttempts 0–10, sessionTimeout PT1M–PT24H', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: -2, max: 20 }), fc.integer({ min: 0, max: 2000 }), (length, attempts, minutes) => {
      const policy = { ...DEFAULT_SECURITY_POLICY, passwordMinLength: length, maxLoginAttempts: attempts, sessionTimeout: `PT${minutes}M` };
      const ok = length >= 8 && length <= 128 && attempts >= 0 && attempts <= 10 && minutes >= 1 && minutes <= 1440;
      return (code(() => validateSettings({ ...settings, securityPolicy: policy })) === null) === ok;
    }));
  });

  it('retention: accepted exactly for P30D–P365D', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 800 }), (days) => (code(() => validateRetention(`P${days}D`)) === null) === (days >= 30 && days <= 365)));
    assert.equal(code(() => validateRetention('P5W')), null);
    assert.equal(code(() => validateRetention('P1M')), 'tenant.invalid_retention_period');
  });

  it('durations: weeks, days, hours, minutes, seconds add up', () => {
    fc.assert(fc.property(fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50), (w, d, h, m, s) =>
      durationSeconds(`P${w}W${d}DT${h}H${m}M${s}S`) === w * 604_800 + d * 86_400 + h * 3_600 + m * 60 + s));
    for (const bad of ['', 'P', 'PT', '1D', 'P1Y', 'PT1.5H', 'P-1D']) assert.equal(durationSeconds(bad), null, bad);
  });

  it('CIDR: IPv4 prefixes 0–32 and IPv6 prefixes 0–128, no host bits set, canonical text', () => {
    // Oracle: the address as a number, masked by hand.
    const v4 = (ip: string) => ip.split('.').reduce((n, part) => (n << 8n) + BigInt(Number(part)), 0n);
    const hostBitsClear = (value: bigint, bits: number, width: number) => (value & ((1n << BigInt(width - bits)) - 1n)) === 0n;
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 40 }), (ip, prefix) =>
      isCidr(`${ip}/${prefix}`) === (prefix <= 32 && hostBitsClear(v4(ip), prefix, 32))));
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
      const network = Number(v4(ip) & ~((1n << BigInt(32 - prefix)) - 1n) & 0xffffffffn);
      const text = [24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.');
      return normalizeCidr(`${text}/${prefix}`) === `${text}/${prefix}`;
    }));
    const v6 = (ip: string) => ipaddr.parse(ip).toByteArray().reduce((n, byte) => (n << 8n) + BigInt(byte), 0n);
    fc.assert(fc.property(fc.ipV6(), fc.integer({ min: 0, max: 140 }), (ip, prefix) =>
      isCidr(`${ip}/${prefix}`) === (prefix <= 128 && hostBitsClear(v6(ip), prefix, 128))));
    fc.assert(fc.property(fc.string().filter((s) => !/^[0-9a-fA-F.:/]+$/.test(s)), (s) => !isCidr(s)));
    assert.equal(normalizeCidr('10.0.0.1'), '10.0.0.1/32', 'a bare address is one host');
    assert.equal(normalizeCidr('10.0.0.1/8'), null, 'host bits set');
    assert.equal(normalizeCidr('2001:DB8:0:0::/32'), '2001:db8::/32');
    assert.equal(normalizeCidr('2001:db8::1/32'), null);
  });

  it('CIDR: an IPv4-mapped range ::ffff:a.b.c.d/n is stored as the IPv4 range a.b.c.d/(n-96), below /96 refused', () => {
    const network = (ip: string, prefix: number) => ipaddr.IPv4.networkAddressFromCIDR(`${ip}/${prefix}`).toString();
    const isMapped = (range: string) => {
      const address = ipaddr.parse(range.split('/')[0] ?? '');
      return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress();
    };
    // Same verdict and same stored form as the IPv4 range, host bits included; dotted or hex spelling.
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.boolean(), (ip, prefix, hex) => {
      const mapped = hex ? ipaddr.IPv4.parse(ip).toIPv4MappedAddress().toString() : `::ffff:${ip}`;
      return normalizeCidr(`${mapped}/${prefix + 96}`) === normalizeCidr(`${ip}/${prefix}`);
    }));
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) =>
      normalizeCidr(`::ffff:${network(ip, prefix)}/${prefix + 96}`) === `${network(ip, prefix)}/${prefix}`));
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 95 }), (ip, prefix) => normalizeCidr(`::ffff:${ip}/${prefix}`) === null));
    // Whatever is accepted is stored in a form that is never IPv4-mapped and normalizes to itself.
    const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4().map((ip) => `::ffff:${ip}`));
    fc.assert(fc.property(address, fc.option(fc.integer({ min: 0, max: 128 }), { nil: undefined }), (ip, prefix) => {
      const stored = normalizeCidr(prefix === undefined ? ip : `${ip}/${prefix}`);
      return stored === null || (!isMapped(stored) && normalizeCidr(stored) === stored);
    }));
    assert.equal(normalizeCidr('::ffff:127.0.0.1/128'), '127.0.0.1/32');
    assert.equal(normalizeCidr('::FFFF:7f00:1'), '127.0.0.1/32');
    assert.equal(normalizeCidr('::ffff:0:0/96'), '0.0.0.0/0', 'every IPv4-mapped address is every IPv4 address');
    assert.equal(normalizeCidr('::ffff:0:0/95'), null, 'not expressible in IPv4');
    assert.equal(code(() => validateSettings({ ...settings, securityPolicy: { ...DEFAULT_SECURITY_POLICY, allowedIpRanges: ['::ffff:10.0.0.0/80'] } })), 'tenant.invalid_settings');
    assert.deepEqual(
      validateSettings({ ...settings, securityPolicy: { ...DEFAULT_SECURITY_POLICY, allowedIpRanges: ['::ffff:127.0.0.1/128', '127.0.0.1'] } }).securityPolicy.allowedIpRanges,
      ['127.0.0.1/32'], 'one range, spelled twice',
    );
  });

  it('custom domains: the platform\'s own host (from PUBLIC_URL) is reserved, any other domain passes', () => {
    fc.assert(fc.property(fc.domain(), fc.domain(), fc.constantFrom('http', 'https'), fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }), (platform, other, scheme, port) => {
      const reserved = platformHosts(`${scheme}://${platform.toUpperCase()}.${port === undefined ? '' : `:${port}`}/base/`);
      assert.deepEqual(reserved, [platform]);
      assert.equal(code(() => validateDomainNotReserved(platform, reserved)), 'tenant.domain_reserved');
      return other === platform || validateDomainNotReserved(other, reserved) === other;
    }));
    assert.equal(validateDomainNotReserved(null, ['acci.example.com']), null);
    assert.deepEqual(platformHosts('not a url'), []);
  });

  it('custom domains: generated domains pass unless localhost or an IP', () => {
    fc.assert(fc.property(fc.domain(), (domain) => isDomainName(domain) === (!/(^|\.)localhost$/.test(domain) && !/\.\d+$/.test(domain))));
    fc.assert(fc.property(fc.ipV4(), (ip) => !isDomainName(ip)));
    for (const bad of ['localhost', 'app.localhost', 'no_underscore.test', 'single', '-lead.test']) assert.equal(isDomainName(bad), false, bad);
    // One trailing dot (the root) is allowed and dropped when stored; two are not a domain name.
    fc.assert(fc.property(fc.domain().filter((d) => !/(^|\.)localhost$/.test(d) && !/\.\d+$/.test(d)), (domain) => {
      assert.equal(validateSettings({ ...settings, customDomain: `${domain}.` }).customDomain, domain.toLowerCase());
      assert.equal(code(() => validateSettings({ ...settings, customDomain: `${domain}..` })), 'tenant.invalid_settings');
    }));
  });

  it('display names: what is accepted is trimmed, 1–100 characters with one visible, free of control and format characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), (name) => {
      const result = code(() => validateDisplayName(name));
      if (result !== null) return result === 'user.invalid_display_name';
      const valid = validateDisplayName(name);
      return valid === name.trim() && charLength(valid) <= 100 && visibleLength(valid) >= 1 && !/[\p{Cc}\u200b\u202a-\u202e\u2066-\u2069\ufeff\u2028\u2029]/u.test(valid);
    }));
    const hidden = fc.constantFrom('\r\n', '\n', '\t', '\u0000', '\u00ad', '\u200b', '\u202e', '\u2066', '\u2028', '\ufeff');
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('A', 'd', 'ä', ' '), maxLength: 40 }), hidden, (text, char) =>
      code(() => validateDisplayName(`Ada${char}L${text}`)) === 'user.invalid_display_name'));
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(' ', '\u200b', '\u2060', '\u3164'), minLength: 1, maxLength: 100 }), (name) =>
      code(() => validateDisplayName(name)) === 'user.invalid_display_name'));
    assert.equal(validateDisplayName(' Ada Lovelace '), 'Ada Lovelace');
    assert.equal(validateDisplayName('X'), 'X');
  });

  it('roles and reasons: only the listed values and custom/other forms', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => {
      const result = code(() => validateRole(s));
      const ok = ['admin', 'user', 'read_only'].includes(s) || /^custom:[a-z0-9][a-z0-9_-]{0,49}$/.test(s);
      return ok ? result === null : result === 'user.invalid_role';
    }));
    fc.assert(fc.property(fc.stringMatching(/^[\p{L}\p{N}][\p{L}\p{N} .,;:!?'()-]{0,99}$/u), (text) =>
      code(() => validateDeletionReason(`other:${text}`)) === null && code(() => validateDeactivationReason(`other:${text}`)) === null));
    for (const text of ['   ', '\u200b\u200b', 'left\r\nBcc: x@example.org', '\u202eevil']) {
      assert.equal(code(() => validateDeletionReason(`other:${text}`)), 'tenant.invalid_deletion_reason', JSON.stringify(text));
      assert.equal(code(() => validateDeactivationReason(`other:${text}`)), 'user.invalid_deactivation_reason', JSON.stringify(text));
    }
  });

  it('plan limits cap the seat limit, and self-service needs the feature and password', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom('free', 'professional', 'enterprise', 'custom:x'), (maxUsers, plan) =>
      seatLimit(plan as 'free', { ...settings, maxUsers }) === Math.min(maxUsers, planLimits(plan as 'free').maxUsers)));
    assert.equal(allowsSelfService({ ...settings, features: ['self_service_registration'] }), true);
    assert.equal(allowsSelfService({ ...settings, features: ['self_service_registration'], allowedAuthMethods: ['oidc:google'] }), false);
    assert.equal(allowsSelfService(settings), false);
  });
});

describe('mergeSettings', () => {
  const policyArb = fc.record({
    passwordMinLength: fc.integer({ min: 8, max: 128 }), requireMfa: fc.boolean(), maxLoginAttempts: fc.integer({ min: 0, max: 10 }),
    sessionTimeout: fc.constantFrom('PT1H', 'PT8H'), allowedIpRanges: fc.array(fc.constantFrom('10.0.0.0/8', '192.168.0.0/16'), { maxLength: 2 }),
  });
  const settingsArb = fc.record({
    allowedAuthMethods: fc.constantFrom<TenantSettings['allowedAuthMethods']>(['password'], ['password', 'totp']),
    maxUsers: fc.integer({ min: 1, max: 1_000_000 }), features: fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 }),
    customDomain: fc.option(fc.constantFrom('a.example.com', 'b.example.org'), { nil: null }), securityPolicy: policyArb,
  });
  it('a field the patch names wins, every other field keeps its value', () => {
    fc.assert(fc.property(settingsArb, settingsArb, fc.array(fc.constantFrom('allowedAuthMethods', 'maxUsers', 'features', 'customDomain') as fc.Arbitrary<'allowedAuthMethods' | 'maxUsers' | 'features' | 'customDomain'>), fc.array(fc.constantFrom(...Object.keys(DEFAULT_SECURITY_POLICY) as (keyof typeof DEFAULT_SECURITY_POLICY)[])), (current, next, named, namedPolicy) => {
      const patch = { ...Object.fromEntries(named.map((k) => [k, next[k]])), securityPolicy: Object.fromEntries(namedPolicy.map((k) => [k, next.securityPolicy[k]])) };
      const merged = mergeSettings(current, patch);
      for (const key of ['allowedAuthMethods', 'maxUsers', 'features', 'customDomain'] as const) assert.deepEqual(merged[key], named.includes(key) ? next[key] : current[key]);
      for (const key of Object.keys(DEFAULT_SECURITY_POLICY) as (keyof typeof DEFAULT_SECURITY_POLICY)[]) {
        assert.deepEqual(merged.securityPolicy[key], namedPolicy.includes(key) ? next.securityPolicy[key] : current.securityPolicy[key]);
      }
    }));
  });
});
