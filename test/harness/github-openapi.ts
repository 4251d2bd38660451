// GitHub's REST description (@octokit/openapi, api.github.com) as a request checker: finds
// the operation for a method and path, and validates path parameters, query parameters and
// the JSON body against it; also validates the simulator's own answers against the
// operation's response schema, so the simulated API answers in GitHub's shape.
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS with a default export.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => void;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Record<string, unknown>;
  $ref?: string;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }>; $ref?: string }>;
}

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  op: Operation;
}

export interface MatchedOperation {
  operationId: string;
  params: Record<string, string>;
  /** Problems found in the request; empty when it conforms. */
  problems: string[];
}

type Doc = { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };

export class GitHubOpenApi {
  private readonly doc: Doc;
  private readonly routes: Route[] = [];
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.doc = require('@octokit/openapi/generated/api.github.com.json') as Doc;
    // OpenAPI 3.0 schemas: `nullable` is understood by ajv; examples and GitHub's x- keys are not keywords.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const [template, methods] of Object.entries(this.doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op || typeof op !== 'object' || !('responses' in op)) continue;
        const names: string[] = [];
        const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'));
        this.routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${pattern}$`), names, op });
      }
    }
    // Literal segments win over parameters (/app/hook/deliveries before /app/{x}…).
    this.routes.sort((a, b) => a.names.length - b.names.length);
  }

  /** The operation for a request, with every way the request departs from it. */
  check(method: string, path: string, query: URLSearchParams, body: unknown, hasBody: boolean): MatchedOperation | undefined {
    const route = this.routes.find((r) => r.method === method && r.regex.test(path));
    if (!route) return undefined;
    const m = route.regex.exec(path)!;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    const problems: string[] = [];
    const declared = (route.op.parameters ?? []).map((p) => this.deref<Parameter>(p));
    for (const p of declared) {
      if (p.in === 'path') {
        this.checkValue(`${route.op.operationId} path ${p.name}`, p.schema, params[p.name], problems);
      } else if (p.in === 'query') {
        const v = query.get(p.name);
        if (v === null) {
          if (p.required) problems.push(`${route.op.operationId}: query parameter ${p.name} is required`);
        } else this.checkValue(`${route.op.operationId} query ${p.name}`, p.schema, v, problems);
      }
    }
    for (const k of query.keys()) if (!declared.some((p) => p.in === 'query' && p.name === k)) problems.push(`${route.op.operationId}: unknown query parameter ${k}`);
    const schema = route.op.requestBody?.content?.['application/json']?.schema;
    if (!schema) {
      if (hasBody && body !== undefined && !(typeof body === 'object' && body !== null && Object.keys(body).length === 0)) problems.push(`${route.op.operationId}: takes no request body`);
    } else if (!hasBody) {
      if (route.op.requestBody?.required) problems.push(`${route.op.operationId}: a JSON body is required`);
    } else {
      const v = this.validator(`req:${route.method} ${route.template}`, schema);
      if (!v(body)) problems.push(...(v.errors ?? []).map((e) => `${route.op.operationId}: body${e.instancePath} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`));
    }
    return { operationId: route.op.operationId, params, problems };
  }

  /** Problems with an answer the simulator is about to give (empty when it has GitHub's shape). */
  checkResponse(method: string, path: string, status: number, body: unknown): string[] {
    const route = this.routes.find((r) => r.method === method && r.regex.test(path));
    if (!route) return [`no operation for ${method} ${path}`];
    const resp = route.op.responses[String(status)];
    if (!resp) return [`${route.op.operationId}: GitHub does not answer ${status}`];
    const schema = this.deref<{ content?: Record<string, { schema?: Record<string, unknown> }> }>(resp).content?.['application/json']?.schema;
    if (!schema) return [];
    const v = this.validator(`res:${route.method} ${route.template} ${status}`, schema);
    return v(body) ? [] : (v.errors ?? []).map((e) => `${route.op.operationId} ${status} response${e.instancePath} ${e.message}`);
  }

  private checkValue(what: string, schema: Record<string, unknown> | undefined, raw: string | undefined, problems: string[]): void {
    if (!schema || raw === undefined) return;
    const t = schema.type;
    const value = t === 'integer' || t === 'number' ? (/^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw) : t === 'boolean' ? (raw === 'true' ? true : raw === 'false' ? false : raw) : raw;
    const v = this.validator(JSON.stringify(schema), schema);
    if (!v(value)) problems.push(`${what}=${raw}: ${v.errors?.map((e) => e.message).join(', ')}`);
  }

  private validator(key: string, schema: Record<string, unknown>): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      v = this.ajv.compile(this.inline(schema, new Set()) as object);
      this.compiled.set(key, v);
    }
    return v;
  }

  private deref<T>(x: unknown): T {
    let cur = x as { $ref?: string };
    while (cur && typeof cur === 'object' && typeof cur.$ref === 'string') cur = this.resolve(cur.$ref) as { $ref?: string };
    return cur as T;
  }

  private resolve(ref: string): unknown {
    if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref}`);
    let cur: unknown = this.doc;
    for (const seg of ref.slice(2).split('/')) cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
    return cur;
  }

  /** A self-contained copy of a schema: $refs inlined (a recursive one becomes "anything"). */
  private inline(schema: unknown, stack: Set<string>): unknown {
    if (Array.isArray(schema)) return schema.map((s) => this.inline(s, stack));
    if (!schema || typeof schema !== 'object') return schema;
    const o = schema as Record<string, unknown>;
    if (typeof o.$ref === 'string') {
      if (stack.has(o.$ref)) return {};
      const next = new Set(stack).add(o.$ref);
      return this.inline(this.resolve(o.$ref), next);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === 'example' || k === 'examples' || k === 'description') continue;
      out[k] = k === 'properties' || k === 'patternProperties' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([pk, pv]) => [pk, this.inline(pv, stack)])) : this.inline(v, stack);
    }
    // OpenAPI 3.0 `nullable` with an `enum`: ajv (rightly) wants null among the values.
    if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
}
