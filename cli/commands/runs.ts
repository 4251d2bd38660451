import { isTerminalRun, isUuid } from '../../reconciler/index.js';
import { openStateFor } from '../reconcile-session.js';
import { EXIT, type Io, UsageError, parse, styles } from '../cli-context.js';

export const runsHelp = `Usage: lakespec runs [run-id] [options]
       lakespec runs cancel <run-id> [--reason TEXT]
       lakespec runs rerun <run-id>

Without a run id: the most recent runs. With one: the run, its phases, its artifacts and
its events (append-only, in order). "cancel" stops a run (running phases lose their lease);
"rerun" queues the same phases again as a new run, linked to the old one (execute it with
"lakespec worker --project DIR --drain" or a running "lakespec serve").

Options:
  --state DIR          local state folder (default: .lakespec)
  --database-url URL   PostgreSQL state store (default: $DATABASE_URL)
  --workspace W        only this workspace
  --status S           only runs with this status
  --limit N            how many runs to list (default: 20)
  --reason TEXT        why a run is cancelled (recorded in its events)
  --json               machine-readable output
  -h, --help           show this help
`;

export async function runsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {
    state: { type: 'string' },
    'database-url': { type: 'string' },
    workspace: { type: 'string' },
    status: { type: 'string' },
    limit: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean' },
  }, 2);
  if (values.help) {
    io.stdout(runsHelp);
    return EXIT.ok;
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000');
  const action = positionals[0] === 'cancel' || positionals[0] === 'rerun' ? positionals[0] : undefined;
  const id = action ? positionals[1] : positionals[0];
  if (action && id === undefined) throw new UsageError(`"runs ${action}" needs a run id`);
  if (!action && positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  if (id !== undefined && !isUuid(id)) throw new UsageError(`"${id}" is not a run id (a UUID, as "lakespec runs" lists them)`);
  const state = await openStateFor(io, values);
  const s = styles(io);
  try {
    const q = state.queue;
    const actor = `cli:${io.env.USER ?? 'unknown'}`;
    if (action && id) {
      const run = await q.getRun(id);
      if (!run) {
        io.stderr(`lakespec runs: no run ${id} in ${state.describe}\n`);
        return EXIT.problems;
      }
      if (action === 'cancel') {
        if (isTerminalRun(run.status)) {
          io.stderr(`lakespec runs: run ${id} already ${run.status}; nothing to cancel\n`);
          return EXIT.problems;
        }
        const out = await q.cancelRun(id, actor, values.reason ?? 'cancelled from the CLI');
        await state.catalog.audit(actor, run.workspace_id, 'run.cancel', id, { reason: values.reason ?? null });
        io.stdout(values.json ? JSON.stringify({ run: out }, null, 2) + '\n' : `${s.yellow('■')} run ${id} cancelled\n`);
        return EXIT.ok;
      }
      const out = await q.rerun(id, actor);
      await state.catalog.audit(actor, run.workspace_id, 'run.rerun', out.id, { rerun_of: id });
      io.stdout(values.json ? JSON.stringify({ run: out }, null, 2) + '\n' : `run ${out.id} queued (a rerun of ${id}); execute it with "lakespec worker --project DIR --drain"\n`);
      return EXIT.ok;
    }
    if (id === undefined) {
      const runs = await q.listRuns({ ...(values.workspace ? { workspace: values.workspace } : {}), ...(values.status ? { status: values.status } : {}), limit });
      if (values.json) io.stdout(JSON.stringify({ runs }, null, 2) + '\n');
      else if (runs.length === 0) io.stdout('No runs yet.\n');
      else {
        for (const r of runs) {
          const mark = r.status === 'succeeded' ? s.green('✔') : r.status === 'failed' ? s.red('✖') : r.status === 'cancelled' ? s.yellow('■') : s.cyan('…');
          io.stdout(`${mark} ${r.id}  ${r.status.padEnd(9)} ${iso(r.created_at)}  ${r.environment.padEnd(6)} ${r.git_sha.slice(0, 12).padEnd(12)}  ${r.spec_slug}  ${s.dim(`${r.trigger} by ${r.requester}`)}\n`);
        }
      }
      return EXIT.ok;
    }
    const run = await q.getRun(id);
    if (!run) {
      io.stderr(`lakespec runs: no run ${id} in ${state.describe}\n`);
      return EXIT.problems;
    }
    const [phases, events, artifacts] = await Promise.all([q.phases(id), q.events(id), q.runArtifacts(id)]);
    if (values.json) {
      io.stdout(JSON.stringify({ run, phases, artifacts, events }, null, 2) + '\n');
      return EXIT.ok;
    }
    io.stdout(
      `Run ${run.id}: ${run.status}\n  spec:      ${run.spec_slug}\n  commit:    ${run.git_sha}\n  env:       ${run.environment}\n  trigger:   ${run.trigger} by ${run.requester}\n  created:   ${iso(run.created_at)}\n  finished:  ${run.finished_at ? iso(run.finished_at) : '—'}\n${run.error ? `  error:     ${run.error}\n` : ''}${run.rerun_of ? `  rerun of:  ${run.rerun_of}\n` : ''}\nPhases:\n`,
    );
    for (const p of phases) io.stdout(`  ${String(p.position + 1).padStart(2)}. ${p.name.padEnd(36)} ${p.status.padEnd(9)} attempts ${p.attempts}/${p.max_attempts}${p.error ? `  ${s.red(p.error)}` : ''}\n`);
    io.stdout(`\nArtifacts (${artifacts.length}):\n`);
    for (const a of artifacts) io.stdout(`  ${a.sha256.slice(0, 12)}  ${String(a.bytes).padStart(7)} B  ${a.phase ? a.phase + '/' : ''}${a.name} ${s.dim(a.kind)}\n`);
    io.stdout(`\nEvents (${events.length}):\n`);
    for (const e of events) io.stdout(`  ${iso(e.at)}  ${levelMark(e.level, s)} ${e.type.padEnd(22)} ${e.message}\n`);
    return EXIT.ok;
  } finally {
    await state.close();
  }
}

function iso(d: Date | string): string {
  return new Date(d).toISOString().replace(/\.\d+Z$/, 'Z');
}

function levelMark(level: string, s: ReturnType<typeof styles>): string {
  return level === 'error' ? s.red('E') : level === 'warn' ? s.yellow('W') : s.dim('I');
}
