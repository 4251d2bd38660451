// The ops API and its credentials: loaded by `serve` and `token`, not by every command.
export { Auth, ROLES, type Role } from './auth.js';
export { createOpsApi } from './ops-api.js';
