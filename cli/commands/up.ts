import { EXIT, type Io, UsageError, parse, styles } from '../cli-context.js';
import { SESSION_HELP, SESSION_OPTIONS, openSession } from '../reconcile-session.js';
import { renderTable } from '../run-progress.js';
import { PROTECTED_HELP, PROTECTED_OPTIONS, guardProtected } from '../protected-source.js';
import { applyAndMaybeRun } from './apply.js';

export const upHelp = `Usage: lakespec up [dir] [options]

The whole loop on one machine: plan, apply, then run every pipeline (bronze → silver →
gold, with the quality checks) and show a preview of the gold tables. With no options it
uses the embedded defaults: the PGlite state store and DuckDB in .lakespec/, nothing to
install. Running it again applies only what changed and reruns the pipelines.

Options:
${SESSION_HELP}
  --allow-destructive  allow every destructive stage
  --preview N          rows shown per gold table (default: 5)
${PROTECTED_HELP}
  -h, --help           show this help

Exit status: 0 everything succeeded, 1 spec errors, blocked plan or failed run, 2 usage error.
`;

export async function upCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { ...SESSION_OPTIONS, ...PROTECTED_OPTIONS, 'allow-destructive': { type: 'boolean' }, preview: { type: 'string' } });
  if (values.help) {
    io.stdout(upHelp);
    return EXIT.ok;
  }
  const previewRows = values.preview === undefined ? 5 : Number(values.preview);
  if (!Number.isInteger(previewRows) || previewRows < 0 || previewRows > 1000) throw new UsageError('--preview must be a whole number from 0 to 1000');
  const session = await openSession(io, values, positionals[0]);
  if (!session) return EXIT.problems;
  const s = styles(io);
  try {
    const { ir } = session.compiled;
    await guardProtected(session, io, values, { action: 'up', requester: io.env.USER ?? 'cli' });
    if (!values.json) io.stdout(`${s.bold('lakespec up')}: ${ir.workspace} (${ir.environment}) at ${ir.gitSha.slice(0, 12)} — state: ${session.state.describe}, engine: ${session.engine.id}\n\n`);
    return await applyAndMaybeRun(session, io, {
      allowAll: values['allow-destructive'] === true,
      run: 'all',
      requester: io.env.USER ?? 'cli',
      json: values.json === true,
      after: async () => {
        if (values.json || previewRows === 0) return;
        for (const t of ir.tables.filter((x) => x.layer === 'gold')) {
          const fq = `${t.physical.catalog}.${t.physical.schema}.${t.physical.table}`;
          const ref = [t.physical.catalog, t.physical.schema, t.physical.table].map((p) => session.engine.backend.dialect.quoteIdent(p)).join('.');
          const count = Number((await session.engine.rows(`SELECT count(*) FROM ${ref}`))[0]![0]);
          const r = await session.engine.records(`SELECT * FROM ${ref} ORDER BY ${t.columns.map((_, i) => i + 1).join(', ')} LIMIT ${previewRows}`);
          io.stdout(`\n${s.bold(t.name)} ${s.dim(`(${fq}: ${r.rows.length < count ? `first ${r.rows.length} of ${count} rows` : `${count} row${count === 1 ? '' : 's'}`})`)}\n${renderTable(r.columns, r.rows)}`);
        }
      },
    });
  } finally {
    await session.close();
  }
}


