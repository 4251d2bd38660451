// The OpenAPI 3.1 document of the ops API, generated from the route table the server
// registers (so a route cannot exist undocumented).
export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  /** Hono syntax: /api/v1/runs/:id */
  path: string;
  summary: string;
  /** Least role; null for open endpoints. */
  role: 'viewer' | 'operator' | 'admin' | null;
}

export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function buildOpenApi(routes: readonly RouteDoc[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = openApiPath(r.path);
    const params = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const responses: Record<string, unknown> = { '200': { description: 'OK' } };
    if (r.role) Object.assign(responses, { '401': { description: 'no or invalid credentials' }, '403': { description: `needs the ${r.role} role, or another workspace` } });
    if (r.method !== 'get') Object.assign(responses, { '400': { description: 'invalid request' }, '409': { description: 'conflict (for example a lease no longer held)' } });
    if (params.length) responses['404'] = { description: 'not found (or not visible to this credential)' };
    (paths[p] ??= {})[r.method] = {
      summary: r.summary,
      'x-lakespec-role': r.role ?? 'none',
      ...(r.role ? { security: [{ bearer: [] }, { basic: [] }] } : { security: [] }),
      ...(params.length ? { parameters: params } : {}),
      ...(r.method === 'post' ? { requestBody: { required: false, content: { 'application/json': { schema: { type: 'object' } } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'lakespec ops API', version, description: 'Runs, phases, events and artifacts (the executor contract), the applied catalog, and administration. Roles: viewer < operator < admin.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API token (lks_…)' }, basic: { type: 'http', scheme: 'basic', description: 'local user' } } },
    paths,
  };
}
