// Runs a run's phases in this process and prints them as they progress; also renders
// small result tables. Used by `run`, `apply --run` and `up`.
import { type Run, type RunEvent, Worker, driveRun, lineageSinkFromEnv } from '../reconciler/index.js';
import type { Io } from './cli-context.js';
import type { Styler } from './format-diagnostics.js';
import type { Session } from './reconcile-session.js';

export async function runInProcess(session: Session, run: Run, io: Io, s: Styler, quiet = false): Promise<Run> {
  const { queue } = session.state;
  const lineage = lineageSinkFromEnv(io.env);
  const worker = new Worker(queue, session.executors, { idleMs: 50, ...(lineage ? { lineage } : {}) });
  let seq = 0;
  const width = Math.max(...(await queue.phases(run.id)).map((p) => p.name.length), 10);
  const started = new Map<string, number>();
  const final = await driveRun(queue, worker, run.id, async () => {
    for (const e of await queue.events(run.id, seq)) {
      seq = Number(e.seq);
      if (!quiet) io.stdout(eventLine(e, width, s, started));
    }
  });
  if (!quiet && final.status !== 'succeeded') {
    // What never ran, so that nobody reads the list above as the whole pipeline.
    const skipped = (await queue.phases(run.id)).filter((p) => p.status === 'skipped' || p.status === 'cancelled');
    if (skipped.length > 0) {
      io.stdout(`\n  ${s.dim(`${plural(skipped.length, 'phase')} not run, after the failure:`)}\n`);
      for (const p of skipped) io.stdout(`  ${s.dim('–')} ${p.name.padEnd(width)} ${s.dim(p.status)}\n`);
    }
  }
  return final;
}

/** What the executors report (SQL steps: rows and checks; dbt: models and tests; Spark: steps and the application). */
interface PhaseOutput {
  rows?: number;
  checks?: Record<string, unknown>;
  models?: number;
  pass?: number;
  warn?: number;
  steps?: string[];
  warnings?: number;
  application?: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function outcome(out: PhaseOutput, s: Styler): string {
  if (typeof out.rows === 'number') {
    const checks = out.checks ? Object.keys(out.checks).length : 0;
    return `${String(out.rows).padStart(6)} rows${checks ? s.dim(`, ${plural(checks, 'check')}`) : ''}`;
  }
  if (typeof out.models === 'number') {
    return `${plural(out.models, 'model')}${s.dim(`, ${plural(out.pass ?? 0, 'test')} passed${out.warn ? `, ${plural(out.warn, 'warning')}` : ''}`)} (dbt)`;
  }
  if (Array.isArray(out.steps)) {
    const where = out.application ? `SparkApplication ${out.application}` : 'Spark';
    return `${out.steps.join(', ')}${s.dim(`${out.warnings ? `, ${plural(out.warnings, 'warning')}` : ''} (${where})`)}`;
  }
  return '';
}

function eventLine(e: RunEvent, width: number, s: Styler, started: Map<string, number>): string {
  const name = (e.phase ?? '').padEnd(width);
  switch (e.type) {
    case 'PHASE_STARTED':
      started.set(e.phase ?? '', new Date(e.at).getTime());
      return '';
    case 'PHASE_SUCCEEDED': {
      const t0 = started.get(e.phase ?? '');
      const secs = t0 ? ` ${s.dim(`${((new Date(e.at).getTime() - t0) / 1000).toFixed(2)} s`)}` : '';
      return `  ${s.green('✔')} ${name} ${outcome((e.payload.output ?? {}) as PhaseOutput, s)}${secs}\n`;
    }
    case 'PHASE_FAILED':
      return `  ${e.level === 'error' ? s.red('✖') : s.yellow('↻')} ${name} ${e.message.replace(`${e.phase} `, '')}\n`;
    case 'PHASE_PROGRESS':
      return e.level === 'warn' ? `  ${s.yellow('!')} ${name} ${e.message}\n` : '';
    case 'PHASE_LEASE_EXPIRED':
      return `  ${s.yellow('!')} ${name} ${e.message}\n`;
    case 'RUN_SUCCEEDED':
      return `\n${s.green('✔')} ${e.message}\n`;
    case 'RUN_FAILED':
      return `\n${s.red('✖')} ${e.message}\n`;
    case 'RUN_CANCELLED':
      return `\n${s.yellow('■')} ${e.message}\n`;
    default:
      return '';
  }
}

/** A small box-drawn table of rows (values shown as text, long ones cut). */
export function renderTable(columns: string[], rows: unknown[][], max = 28): string {
  const cell = (v: unknown) => {
    const t = v === null || v === undefined ? '∅' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return t.length > max ? t.slice(0, max - 1) + '…' : t;
  };
  const cells = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const row = (vals: string[]) => '│' + vals.map((v, i) => ` ${v.padEnd(widths[i]!)} `).join('│') + '│';
  return [line('┌', '┬', '┐'), row(columns), line('├', '┼', '┤'), ...cells.map(row), line('└', '┴', '┘')].join('\n') + '\n';
}
