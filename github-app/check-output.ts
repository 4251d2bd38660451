// What the three check runs say: diagnostics as annotations on their exact lines, the plan
// as a summary (destructive changes flagged), and the apply run's phases as they progress.
import { type Phase, type Plan, type Run, formatPlan } from '../reconciler/index.js';
import { type Diagnostic, catalog } from '../spec/index.js';
import type { Annotation, CheckOutput, Conclusion } from './check-runs.js';

const LEVEL = { error: 'failure', warning: 'warning', info: 'notice' } as const;

export function annotationsOf(diagnostics: readonly Diagnostic[]): Annotation[] {
  const out: Annotation[] = [];
  for (const d of diagnostics) {
    if (!d.file || !d.range) continue;
    const a: Annotation = {
      path: d.file,
      start_line: d.range.start.line,
      end_line: Math.max(d.range.start.line, d.range.end.line),
      annotation_level: LEVEL[d.severity],
      title: `${d.code} ${catalog[d.code].title}`,
      message: d.message + (d.fix ? `\nFix: ${d.fix.description}` : ''),
    };
    // GitHub accepts columns only for a range on one line.
    if (d.range.start.line === d.range.end.line) {
      a.start_column = d.range.start.column;
      a.end_column = Math.max(d.range.start.column, d.range.end.column);
    }
    if (d.related?.length) a.raw_details = d.related.map((r) => `${r.location.file}:${r.location.range.start.line}:${r.location.range.start.column}: ${r.message}`).join('\n');
    out.push(a);
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function validateResult(diagnostics: readonly Diagnostic[], fileCount: number): { conclusion: Conclusion; output: CheckOutput; annotations: Annotation[] } {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const annotations = annotationsOf(diagnostics);
  const title = errors > 0 ? `${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}` : warnings > 0 ? `Valid, ${plural(warnings, 'warning')}` : `Valid: ${plural(fileCount, 'spec file')}`;
  const lines = [
    errors > 0 ? `**${title}** in ${plural(fileCount, 'spec file')}. The annotations are on the lines concerned.` : `**${title}** — ${plural(fileCount, 'spec file')} checked against the schemas and the semantic rules.`,
  ];
  if (diagnostics.length > 0) {
    lines.push('', '| | code | where | message |', '|---|---|---|---|');
    for (const d of diagnostics) {
      const where = d.file ? `\`${d.file}${d.range ? `:${d.range.start.line}:${d.range.start.column}` : ''}\`` : '—';
      lines.push(`| ${d.severity === 'error' ? '✖' : d.severity === 'warning' ? '⚠' : 'ℹ'} | ${d.code} | ${where} | ${escapeCell(d.message)} |`);
    }
  }
  return { conclusion: errors > 0 ? 'failure' : 'success', output: { title, summary: lines.join('\n') + '\n' }, annotations };
}

export function planResult(p: Plan, manifestHash: string, notes: readonly string[] = []): { conclusion: Conclusion; output: CheckOutput } {
  const s = p.summary;
  const counts = `${s.create} to create, ${s.alter} to alter, ${s.replace} to replace, ${s.drop} to drop`;
  const title = p.blocked
    ? `${plural(s.blocked, 'destructive change')} blocked`
    : p.stages.length === 0
      ? 'No changes'
      : `${counts}${s.destructive ? ` (${s.destructive} destructive, allowed)` : ''}`;
  const lines = [`**Plan for ${p.workspace} (${p.environment})** at \`${p.gitSha.slice(0, 12)}\`: ${counts}.`, ''];
  if (p.blocked) {
    lines.push(
      `> [!CAUTION]`,
      `> ${plural(s.blocked, 'destructive change')} would be applied by this merge and ${s.blocked === 1 ? 'is' : 'are'} not allowed. Merging would leave the apply refused.`,
      `> Allow ${s.blocked === 1 ? 'it' : 'them'} in the Workspace (\`spec.allowDestructive\`: dataset, changes, reason) if intended.`,
      '',
    );
  }
  const destructive = p.stages.filter((x) => x.destructive);
  if (destructive.length > 0) {
    lines.push('| destructive change | status |', '|---|---|');
    for (const x of destructive) lines.push(`| ${escapeCell(x.detail)} | ${x.allowed ? `allowed by ${escapeCell(x.allowedBy ?? 'an allowance')}` : '**blocked**'} |`);
    lines.push('');
  }
  lines.push('```diff', ...formatPlan(p).trimEnd().split('\n').slice(2).map((l) => l.replace(/^ {2}([+~±-]) /, '$1 ')), '```', '', `Artifact set: \`${manifestHash}\``);
  for (const n of notes) lines.push('', n);
  return { conclusion: p.blocked ? 'failure' : 'success', output: { title, summary: lines.join('\n') + '\n' } };
}

const PHASE_ICON: Record<string, string> = { blocked: '⏸', queued: '·', running: '▶', succeeded: '✔', failed: '✖', cancelled: '■', skipped: '↷' };

export function phasesTable(phases: readonly Phase[]): string {
  const lines = ['| | phase | attempts | result |', '|---|---|---|---|'];
  for (const p of phases) {
    const out = (p.output ?? {}) as { rows?: number };
    const result = p.status === 'succeeded' ? (out.rows !== undefined ? `${out.rows} rows` : 'done') : p.status === 'failed' ? escapeCell(p.error ?? 'failed') : p.status;
    lines.push(`| ${PHASE_ICON[p.status] ?? ''} | \`${p.name}\` | ${p.attempts} | ${result} |`);
  }
  return lines.join('\n');
}

export function applyProgress(head: string, run: Run | undefined, phases: readonly Phase[]): CheckOutput {
  const done = phases.filter((p) => p.status === 'succeeded').length;
  return {
    title: run ? `Running: ${done} of ${plural(phases.length, 'phase')} done` : head,
    summary: `${head}\n\n${run ? `Run \`${run.id}\`\n\n${phasesTable(phases)}\n` : ''}`,
  };
}
