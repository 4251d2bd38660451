// What the ops API's route groups are written with: how a route is registered (its least
// role, authentication and the principal's workspace-scoped stores before the handler), how
// a body is read, and the checks every group shares. createOpsApi (ops-api.ts) makes one.
import type { Context } from 'hono';
import type { ScopedState } from '../open-state.js';
import type { Run } from '../state/run-types.js';
import type { Principal, Role } from './auth.js';
import type { Logger } from 'pino';
import type { State } from '../open-state.js';
import type { Auth } from './auth.js';
import type { RouteDoc } from './openapi.js';

export interface OpsApiOptions {
  state: State;
  auth: Auth;
  log: Logger;
  version: string;
  env?: NodeJS.ProcessEnv;
}

export type Env = { Variables: { principal: Principal } };
/** `s`: the stores as the principal's workspace sees them (row-level security holds on every statement). */
export type Handler = (c: Context<Env>, p: Principal, s: ScopedState) => Promise<Response>;

export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 408 | 409 | 413 | 503,
    message: string,
  ) {
    super(message);
  }
}

export interface OpsKit {
  o: OpsApiOptions;
  /** Registers a route with its least role. Authentication and authorisation happen before the handler. */
  route(method: 'get' | 'post' | 'delete', path: string, role: Role, summary: string, h: Handler, extra?: Partial<RouteDoc>): void;
  /** A JSON body of at most `maxBytes` (1 MB by default), read only after authentication. */
  body<T>(c: Context<Env>, maxBytes?: number): Promise<T>;
  audit(p: Principal, workspace: string | null, action: string, target: string, details?: Record<string, unknown>): Promise<void>;
  /** A run the principal may see; another workspace's run is "not found" (its existence is not revealed). */
  visibleRun(s: ScopedState, p: Principal, id: string): Promise<Run>;
  visiblePhase(s: ScopedState, p: Principal, id: string): Promise<{ run_id: string; workspace_id: string }>;
  /** The workspace a request may act on: the credential's own, or the one asked for by an unlimited one. */
  scopeWorkspace(p: Principal, requested: string | undefined): string | undefined;
  /** A protected environment runs only the commit last applied to it; an admin may break glass (audited). */
  assertProtectedRun(s: ScopedState, p: Principal, workspace: string, environment: string, gitSha: string, breakGlass: unknown): Promise<void>;
  /** The lease a run-contract write is made under; undefined for an admin's audited write without one. */
  leaseOf(p: Principal, b: { phase_id?: string; token?: string; admin_reason?: string }, what: string): { phaseId: string; token: string } | undefined;
  param(c: Context<Env>, name: string): string;
  str(v: unknown, name: string, max?: number): string;
}
