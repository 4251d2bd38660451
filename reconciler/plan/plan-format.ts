// `lakespec plan` output, read like `terraform plan`: a symbol per stage, destructive
// stages flagged with how to allow them, and a one-line summary.
import type { Plan, Stage } from './planner.js';
import { changeKind } from './planner.js';

export interface PlanStyle {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const plain: PlanStyle = { green: (s) => s, yellow: (s) => s, red: (s) => s, bold: (s) => s, dim: (s) => s };

export function stageSymbol(s: Stage): string {
  switch (changeKind(s.kind)) {
    case 'create':
      return '+';
    case 'alter':
      return '~';
    case 'replace':
      return '±';
    case 'drop':
      return '-';
  }
}

export function formatPlan(p: Plan, style: PlanStyle = plain): string {
  const lines = [`${style.bold('Plan')} for ${p.workspace} (${p.environment}) at ${p.gitSha.slice(0, 12)}:`, ''];
  if (p.stages.length === 0) return lines.concat(['  No changes. The applied state matches the specs.', '']).join('\n');
  for (const s of p.stages) {
    const sym = stageSymbol(s);
    const color = s.destructive ? style.red : sym === '+' ? style.green : sym === '-' ? style.red : style.yellow;
    let line = `  ${color(sym)} ${s.detail}`;
    if (s.destructive) line += s.allowed ? style.yellow(`  [destructive, allowed by ${s.allowedBy}]`) : style.red('  [destructive: BLOCKED]');
    lines.push(line);
  }
  lines.push('', summaryLine(p));
  if (p.blocked) {
    lines.push(
      style.red(`${p.summary.blocked} destructive change${p.summary.blocked === 1 ? ' is' : 's are'} blocked.`) +
        ' Allow them in the Workspace (spec.allowDestructive: dataset, changes, reason) or pass --allow-destructive to apply anyway.',
    );
  }
  return lines.join('\n') + '\n';
}

export function summaryLine(p: Plan): string {
  const s = p.summary;
  return `Plan: ${s.create} to create, ${s.alter} to alter, ${s.replace} to replace, ${s.drop} to drop${s.destructive ? ` (${s.destructive} destructive${s.blocked ? `, ${s.blocked} blocked` : ''})` : ''}.`;
}
