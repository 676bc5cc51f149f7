import { Type } from 'typebox';
import type { HttpServer } from '../../../framework/http/index.ts';
import type { AuthDeps } from '../deps.ts';

/** `GET /.well-known/jwks.json`: every key whose tokens may still be valid (RFC 7517). */
export function registerJwksRoute(app: HttpServer, deps: AuthDeps): void {
  app.get('/.well-known/jwks.json', {
    config: { public: true },
    schema: {
      tags: ['auth'],
      summary: 'Public keys that verify ACCI access tokens',
      response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) }) },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return deps.keys.jwks();
  });
}
