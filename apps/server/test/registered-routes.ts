import { channel } from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';

/** A route as Fastify registered it, its path spelt the OpenAPI way (`{id}`). */
export interface RegisteredRoute {
  method: string;
  path: string;
  /** The route's `config.keyward`, what the guard of `@keyward/fastify` enforces. */
  keyward: { auth?: string; scopes?: readonly string[] } | undefined;
}

/** What {@link recordRegisteredRoutes} hands back. */
export interface RouteRecorder {
  /** Every route `app` registered since it was created. */
  routesOf(app: FastifyInstance): RegisteredRoute[];
  /** Stops recording the apps created from now on. */
  stop(): void;
}

/**
 * Records every route of every Fastify app created from now on, through Fastify's own
 * `onRoute` hook attached the moment the app is created (the `fastify.initialization`
 * diagnostics channel, which Fastify publishes for instrumentation). So a route added any way
 * at all, an operation or a bare `app.get` inside `createApp`, is seen.
 */
export function recordRegisteredRoutes(): RouteRecorder {
  const recorded = new WeakMap<FastifyInstance, RegisteredRoute[]>();
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    const routes: RegisteredRoute[] = [];
    recorded.set(fastify, routes);
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        routes.push({
          method,
          path: route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
          keyward: route.config?.keyward,
        });
      }
    });
  };
  const initialization = channel('fastify.initialization');
  initialization.subscribe(onInit);
  return {
    routesOf(app) {
      const routes = recorded.get(app);
      if (routes === undefined) throw new Error('this app was created before recordRegisteredRoutes()');
      return routes;
    },
    stop: () => initialization.unsubscribe(onInit),
  };
}

/** `METHOD /path` of each route, leaving out the HEAD that Fastify adds beside every GET. */
function servedOperations(routes: readonly RegisteredRoute[]): string[] {
  const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.path));
  const served = routes.filter((r) => !(r.method === 'HEAD' && gets.has(r.path))).map((r) => `${r.method} ${r.path}`);
  return [...new Set(served)].sort();
}

/** `METHOD /path` of each operation of an OpenAPI document. */
function documentedOperations(document: Record<string, unknown>): string[] {
  return Object.entries(document.paths as Record<string, object>)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/**
 * What the served routes and the document disagree on: routes served but neither documented nor
 * deliberately left out (`undocumented`), and operations documented or left out that no route
 * serves.
 */
export function compareRoutesWithDocument(
  routes: readonly RegisteredRoute[],
  document: Record<string, unknown>,
  leftOut: readonly string[],
): { notDocumented: string[]; notServed: string[] } {
  const served = servedOperations(routes);
  const expected = [...new Set([...documentedOperations(document), ...leftOut])].sort();
  return {
    notDocumented: served.filter((operation) => !expected.includes(operation)),
    notServed: expected.filter((operation) => !served.includes(operation)),
  };
}
