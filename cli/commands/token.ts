import { Auth, ROLES, type Role } from '../../reconciler/api/index.js';
import { EXIT, type Io, UsageError, parse } from '../cli-context.js';
import { openStateFor } from '../reconcile-session.js';

export const tokenHelp = `Usage: lakespec token create <name> --role viewer|operator|admin [--workspace W] [--expires-in SECONDS]
       lakespec token revoke <id>

Creates an API token for the ops API directly in the state store (the way to make the
first admin) and prints it once; only its hash is stored. Tokens limited to a workspace
see and change only that workspace.

Options:
  --state DIR          local state folder (default: .lakespec)
  --database-url URL   PostgreSQL state store (default: $DATABASE_URL)
  --json               print { id, token } as JSON
  -h, --help           show this help
`;

export async function tokenCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { state: { type: 'string' }, 'database-url': { type: 'string' }, role: { type: 'string' }, workspace: { type: 'string' }, 'expires-in': { type: 'string' }, json: { type: 'boolean' } }, 2);
  if (values.help) {
    io.stdout(tokenHelp);
    return EXIT.ok;
  }
  const [action, arg] = positionals;
  if (action !== 'create' && action !== 'revoke') throw new UsageError('say "token create <name>" or "token revoke <id>"');
  if (!arg) throw new UsageError(action === 'create' ? 'name the token' : 'give the token id');
  if (action === 'create' && !ROLES.includes(values.role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const expires = values['expires-in'] === undefined ? undefined : Number(values['expires-in']);
  if (expires !== undefined && (!Number.isInteger(expires) || expires < 60)) throw new UsageError('--expires-in must be a whole number of seconds, at least 60');
  const state = await openStateFor(io, values);
  try {
    const auth = new Auth(state.db);
    if (action === 'revoke') {
      const ok = await auth.revokeToken(arg);
      io.stdout(ok ? `revoked ${arg}\n` : `no active token ${arg}\n`);
      if (ok) await state.catalog.audit(`cli:${io.env.USER ?? 'unknown'}`, null, 'token.revoke', arg);
      return ok ? EXIT.ok : EXIT.problems;
    }
    const t = await auth.createToken(arg, values.role as Role, { workspace: values.workspace ?? null, ...(expires ? { expiresInSeconds: expires } : {}) });
    await state.catalog.audit(`cli:${io.env.USER ?? 'unknown'}`, values.workspace ?? null, 'token.create', t.id, { name: arg, role: values.role });
    io.stdout(values.json ? JSON.stringify(t) + '\n' : `token ${t.id} (${values.role}${values.workspace ? `, workspace ${values.workspace}` : ''}):\n${t.token}\nIt is shown only now; send it as "Authorization: Bearer <token>".\n`);
    return EXIT.ok;
  } finally {
    await state.close();
  }
}
