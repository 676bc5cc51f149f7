import FindMyWay, { type HTTPMethod } from 'find-my-way';

const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Which methods the server answers on a path, for a 405 with `Allow` instead of a 404 when the
 * path exists but not with the request's method. A second router (Fastify's own does not say why
 * it found nothing) fed with every route as it is added; only consulted on the not-found path.
 *
 * @example
 *   const index = createMethodIndex();
 *   app.addHook('onRoute', (route) => index.add(route.method, route.url));
 *   index.allowed('/api/v1/tenants'); // ['GET', 'HEAD', 'POST']
 */
export function createMethodIndex(options: { ignoreTrailingSlash: boolean; maxParamLength: number }) {
  const router = FindMyWay({ ...options });
  const added = new Set<string>();
  return {
    add(method: string | string[], url: string): void {
      for (const one of [method].flat()) {
        const key = `${one} ${url}`;
        if (added.has(key) || !METHODS.includes(one as HTTPMethod)) continue;
        added.add(key);
        router.on(one as HTTPMethod, url, () => undefined);
      }
    },
    allowed(path: string): HTTPMethod[] {
      return METHODS.filter((method) => router.find(method, path) !== null);
    },
  };
}
