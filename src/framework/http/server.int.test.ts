import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Type } from 'typebox';
import type { InjectOptions } from 'fastify';
import type { AcciModule } from '../module.ts';
import { AppError } from '../errors/index.ts';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';

const probe: AcciModule = {
  name: 'probe',
  register(app) {
    app.post('/probe', {
      schema: {
        body: Type.Object({
          name: Type.String({ minLength: 3, maxLength: 50 }),
          count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
          email: Type.Optional(Type.String({ format: 'email' })),
        }, { additionalProperties: false }),
        response: { 201: Type.Object({ name: Type.String() }) },
      },
    }, async (request, reply) => reply.code(201).send({ name: request.body.name }));
    app.get('/probe/items/:name', {
      schema: { params: Type.Object({ name: Type.String() }), querystring: Type.Object({ q: Type.Optional(Type.String()) }) },
    }, async (request) => ({ name: request.params.name, q: request.query.q ?? null }));
    app.post('/probe/ping', async (_request, reply) => reply.code(204).send());
    app.get('/probe/conflict', async () => {
      throw new AppError('concurrency.version_conflict', 409);
    });
    app.get('/probe/crash', async () => {
      throw new Error('boom: internal detail that must not leak');
    });
  },
};

let t: TestApp;
before(async () => { t = await createTestApp({ modules: [probe], bodyLimit: 2048 }); });
after(() => t.close());

const inject = (options: InjectOptions) => t.http.inject(options);

describe('problem+json errors', () => {
  it('answers an unknown route with a localized 404 problem', async () => {
    const res = await inject({ method: 'GET', url: '/api/v1/does-not-exist?lang=de' });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const body = res.json();
    assert.equal(body.code, 'route.not_found');
    assert.equal(body.status, 404);
    assert.equal(body.title, 'Not Found');
    assert.match(body.message, /Keine Route/);
    assert.equal(body.correlationId, res.headers['x-correlation-id']);
    assert.ok(!Number.isNaN(Date.parse(body.timestamp)));
  });

  it('negotiates the language from ?lang, then the cookie, then Accept-Language', async () => {
    const url = '/api/v1/probe/conflict';
    const fr = await inject({ method: 'GET', url, headers: { 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.5' } });
    assert.match(fr.json().message, /modifiées/);
    const sq = await inject({ method: 'GET', url, headers: { cookie: 'theme=dark; preferred_language=sq', 'accept-language': 'fr' } });
    assert.match(sq.json().message, /ndryshuan/);
    const es = await inject({ method: 'GET', url: `${url}?lang=es`, headers: { cookie: 'preferred_language=sq' } });
    assert.match(es.json().message, /modificó/);
    const fallback = await inject({ method: 'GET', url, headers: { 'accept-language': 'ja' } });
    assert.match(fallback.json().message, /changed by someone else/);
    assert.equal(fallback.statusCode, 409);
    assert.equal(fallback.json().code, 'concurrency.version_conflict');
  });

  it('maps schema violations to stable validation codes with field details', async () => {
    const res = await inject({ method: 'POST', url: '/api/v1/probe', payload: { name: 'x'.repeat(51) } });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.code, 'validation.field_too_long');
    assert.equal(body.details[0].field, 'name');
    assert.match(body.message, /"name".*50/);

    const missing = await inject({ method: 'POST', url: '/api/v1/probe', payload: {} });
    assert.equal(missing.json().code, 'validation.required');
    assert.equal(missing.json().details[0].field, 'name');

    const unknown = await inject({ method: 'POST', url: '/api/v1/probe', payload: { name: 'abc', admin: true } });
    assert.equal(unknown.json().code, 'validation.unknown_field');
    assert.equal(unknown.json().details[0].field, 'admin');

    const format = await inject({ method: 'POST', url: '/api/v1/probe', payload: { name: 'abc', email: 'not-an-email' } });
    assert.equal(format.json().code, 'validation.invalid_format');
  });

  it('refuses query parameters a route does not declare, naming them; lang is always accepted', async () => {
    const known = await inject({ method: 'GET', url: '/api/v1/probe/items/a?q=x&lang=de' });
    assert.equal(known.statusCode, 200, known.body);
    assert.deepEqual(known.json(), { name: 'a', q: 'x' });
    const misspelt = await inject({ method: 'GET', url: '/api/v1/probe/items/a?query=x&lang=de' });
    assert.equal(misspelt.statusCode, 400);
    assert.equal(misspelt.json().code, 'validation.unknown_field');
    assert.equal(misspelt.json().details[0].field, 'query');
    assert.match(misspelt.json().message, /query/);
    assert.notEqual(misspelt.json().message, (await inject({ method: 'GET', url: '/api/v1/probe/items/a?query=x' })).json().message, 'in the asked language');
  });

  it('answers a known path with another method 405 and Allow; an unknown path stays 404', async () => {
    const wrong = await inject({ method: 'PUT', url: '/api/v1/probe/items/a?lang=de', payload: {} });
    assert.equal(wrong.statusCode, 405);
    assert.equal(wrong.headers.allow, 'GET, HEAD');
    assert.equal(wrong.json().code, 'route.method_not_allowed');
    assert.match(wrong.json().message, /nicht erlaubt.*GET, HEAD/);
    assert.equal((await inject({ method: 'DELETE', url: '/api/v1/probe' })).headers.allow, 'POST');
    const nowhere = await inject({ method: 'PUT', url: '/api/v1/nowhere' });
    assert.equal(nowhere.statusCode, 404);
    assert.equal(nowhere.json().code, 'route.not_found');
  });

  it('answers malformed JSON with 400, too large bodies with 413, other media types with 415', async () => {
    const malformed = await inject({ method: 'POST', url: '/api/v1/probe', payload: '{"name": ', headers: { 'content-type': 'application/json' } });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().code, 'request.malformed_json');

    const large = await inject({ method: 'POST', url: '/api/v1/probe', payload: { name: 'x'.repeat(5000) } });
    assert.equal(large.statusCode, 413);
    assert.equal(large.json().code, 'request.body_too_large');

    for (const type of ['application/xml', 'text/plain']) {
      const other = await inject({ method: 'POST', url: '/api/v1/probe', payload: '{"name":"abc"}', headers: { 'content-type': type } });
      assert.equal(other.statusCode, 415, type);
      assert.equal(other.json().code, 'request.unsupported_media_type');
    }

    // An empty body sent as JSON is no body: a route without one answers, one that needs it refuses.
    const bodiless = await inject({ method: 'POST', url: '/api/v1/probe/ping', payload: '', headers: { 'content-type': 'application/json' } });
    assert.equal(bodiless.statusCode, 204, bodiless.body);
    const missing = await inject({ method: 'POST', url: '/api/v1/probe', payload: '', headers: { 'content-type': 'application/json' } });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().code, /^validation\./);
  });

  it('hides internal failures behind internal.error', async () => {
    const res = await inject({ method: 'GET', url: '/api/v1/probe/crash' });
    assert.equal(res.statusCode, 500);
    assert.equal(res.json().code, 'internal.error');
    assert.doesNotMatch(res.body, /boom/);
  });

  it('never answers arbitrary input with a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), async (payload, type) => {
        const res = await inject({ method: 'POST', url: '/api/v1/probe', payload, headers: { 'content-type': type } });
        assert.ok(res.statusCode < 500, `status ${res.statusCode} for ${JSON.stringify(payload)} (${type})`);
        if (res.statusCode >= 400) assert.match(String(res.headers['content-type']), /problem\+json/);
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.webPath(), fc.string({ maxLength: 40 }), async (path, query) => {
        const res = await inject({ method: 'GET', url: `/api/v1${path}?q=${encodeURIComponent(query)}` });
        assert.ok(res.statusCode < 500, `status ${res.statusCode} for ${path}`);
      }),
      { numRuns: 100 },
    );
  });
});

describe('text PostgreSQL cannot store', () => {
  it('refuses U+0000 in a JSON body (any depth, keys too) with 400 validation.invalid_characters naming the field', async () => {
    const cases: [string, string][] = [
      ['{"name":"Nul\\u0000Co"}', 'name'],
      ['{"name":"abc","extra":{"a":["ok","\\u0000"]}}', 'extra.a.1'],
      ['{"name":"abc","k\\u0000":1}', 'k\\u0000'],
      ['{"name":"ab\\uD800c"}', 'name'],
    ];
    for (const [payload, field] of cases) {
      const res = await inject({ method: 'POST', url: '/api/v1/probe?lang=de', payload, headers: { 'content-type': 'application/json' } });
      assert.equal(res.statusCode, 400, payload);
      const body = res.json();
      assert.equal(body.code, 'validation.invalid_characters');
      assert.equal(body.details[0].field, field);
      assert.match(body.message, /Zeichen, die nicht gespeichert werden können/);
      assert.match(String(res.headers['content-type']), /problem\+json/);
    }
    // An escaped backslash followed by "u0000" is plain text, and surrogate pairs are fine.
    const fine = await inject({ method: 'POST', url: '/api/v1/probe', payload: '{"name":"a\\\\u0000 \\ud83d\\ude00"}', headers: { 'content-type': 'application/json' } });
    assert.equal(fine.statusCode, 201, fine.body);
    assert.equal(fine.json().name, 'a\\u0000 😀');
  });

  it('refuses %00 in the query string or a path parameter, and keeps %2500 as text', async () => {
    for (const [url, field] of [['/api/v1/probe/items/abc?q=%00', 'q'], ['/api/v1/probe/items/abc?q%00=1', 'q\\u0000'], ['/api/v1/probe/items/a%00c', 'name']]) {
      const res = await inject({ method: 'GET', url: url! });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().code, 'validation.invalid_characters');
      assert.equal(res.json().details[0].field, field);
    }
    const escaped = await inject({ method: 'GET', url: '/api/v1/probe/items/abc?q=%2500' });
    assert.equal(escaped.statusCode, 200);
    assert.equal(escaped.json().q, '%00');
  });

  it('answers router failures (undecodable or over-long path) as problem+json', async () => {
    const bad = await inject({ method: 'GET', url: '/api/v1/probe/items/%ED%A0%80', headers: { 'x-correlation-id': 'trace-bad-url' } });
    assert.equal(bad.statusCode, 400);
    assert.match(String(bad.headers['content-type']), /problem\+json/);
    assert.equal(bad.json().code, 'request.bad_url');
    assert.equal(bad.json().correlationId, 'trace-bad-url');
    assert.equal(bad.headers['x-correlation-id'], 'trace-bad-url');
    const long = await inject({ method: 'GET', url: `/api/v1/probe/items/${'x'.repeat(201)}` });
    assert.equal(long.statusCode, 414);
    assert.equal(long.json().code, 'request.bad_url');
  });
});

describe('correlation ids', () => {
  it('echoes a valid X-Correlation-Id and replaces an invalid one', async () => {
    const kept = await inject({ method: 'GET', url: '/health/live', headers: { 'x-correlation-id': 'trace-abc.123' } });
    assert.equal(kept.headers['x-correlation-id'], 'trace-abc.123');
    const replaced = await inject({ method: 'GET', url: '/health/live', headers: { 'x-correlation-id': 'bad id\twith spaces' } });
    assert.match(String(replaced.headers['x-correlation-id']), /^[0-9a-f-]{36}$/);
    const fresh = await inject({ method: 'GET', url: '/health/live' });
    assert.match(String(fresh.headers['x-correlation-id']), /^[0-9a-f-]{36}$/);
    assert.notEqual(fresh.headers['x-correlation-id'], replaced.headers['x-correlation-id']);
  });
});

describe('operations endpoints', () => {
  it('reports liveness and readiness with database and migrations', async () => {
    assert.deepEqual((await inject({ method: 'GET', url: '/health/live' })).json(), { status: 'ok' });
    const ready = await inject({ method: 'GET', url: '/health/ready' });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().checks.database.status, 'ok');
    assert.equal(ready.json().checks.migrations.status, 'ok');
  });

  it('counts requests per route template in /metrics', async () => {
    await inject({ method: 'POST', url: '/api/v1/probe', payload: { name: 'metrics' } });
    const res = await inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /acci_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/probe",status_code="201"\} [1-9]/);
    assert.match(res.body, /acci_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/api\/v1\/probe"/);
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas, and rendered docs', async () => {
    const spec = (await inject({ method: 'GET', url: '/api/openapi.json' })).json();
    assert.equal(spec.openapi, '3.1.0');
    assert.ok(spec.paths['/api/v1/probe'].post.requestBody);
    assert.ok(spec.paths['/health/ready']);
    // API errors are problem documents; the readiness report stays plain JSON, as it is served.
    assert.ok(spec.paths['/api/v1/probe'].post.responses['400'].content['application/problem+json']);
    assert.deepEqual(Object.keys(spec.paths['/health/ready'].get.responses['503'].content), ['application/json']);
    const docs = await inject({ method: 'GET', url: '/api/docs' });
    assert.ok(docs.statusCode === 200 || docs.statusCode === 302);
  });
});
