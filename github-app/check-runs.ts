// Check runs as GitHub wants them: queued → in progress → completed, at most 50 annotations
// per request (the rest follow in further updates, which GitHub adds up), and summary and
// text within 65535 characters (cut with a note saying so). The id of each check run is
// kept per run of the queue, so a phase that is retried updates its check run instead of
// creating a second one.
import { type Queryable, githubCheckRuns } from '../reconciler/index.js';
import type { GitHubApi } from './github-client.js';

export const CHECK = { validate: 'lakespec / validate', plan: 'lakespec / plan', apply: 'lakespec / apply' } as const;
export type Conclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
}

export const MAX_OUTPUT_CHARS = 65_535;
const PER_REQUEST = 50;

/** Cuts text to GitHub's limit, ending with a note that says how much was left out. */
export function fitOutput(text: string, max = MAX_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  const note = (left: number) => `\n\n… truncated: ${left} more characters not shown (GitHub limits check output to ${max} characters).\n`;
  let keep = max - note(text.length).length;
  // Cut at a line boundary so that tables and code blocks are not broken mid-row.
  const nl = text.lastIndexOf('\n', keep);
  if (nl > keep - 2000) keep = nl;
  // An open ``` block would swallow the note.
  let head = text.slice(0, keep);
  if ((head.match(/^```/gm) ?? []).length % 2 === 1) head = head.slice(0, Math.max(0, keep - 4)) + '\n```';
  return head + note(text.length - head.length);
}

export class CheckRuns {
  constructor(
    private readonly api: GitHubApi,
    private readonly db: Queryable,
    readonly owner: string,
    readonly repo: string,
    /** The queue's run doing this work: one check run per name and commit for it. */
    private readonly runId: string,
  ) {}

  /** The check run of this name on `sha` for this run: the existing one, or a new queued one. */
  async open(name: string, sha: string, o: { detailsUrl?: string; externalId?: string; title?: string } = {}): Promise<number> {
    const full = `${this.owner}/${this.repo}`;
    const key = { repository: full, headSha: sha, name, runId: this.runId };
    const found = await githubCheckRuns.find(this.db, key);
    if (found !== undefined) return found;
    const r = await this.api.rest.checks.create({
      owner: this.owner,
      repo: this.repo,
      name,
      head_sha: sha,
      status: 'queued',
      external_id: o.externalId ?? this.runId,
      ...(o.detailsUrl ? { details_url: o.detailsUrl } : {}),
      ...(o.title ? { output: { title: o.title, summary: 'Queued.' } } : {}),
    });
    await githubCheckRuns.record(this.db, key, r.data.id);
    return r.data.id;
  }

  async inProgress(id: number, output?: CheckOutput): Promise<void> {
    await this.api.rest.checks.update({
      owner: this.owner,
      repo: this.repo,
      check_run_id: id,
      status: 'in_progress',
      ...(output ? { output: this.fit(output) } : {}),
    });
  }

  /** Completes the check run; annotations beyond 50 go in as many further requests as needed. */
  async complete(id: number, conclusion: Conclusion, output: CheckOutput, annotations: readonly Annotation[] = []): Promise<void> {
    const fitted = this.fit(output);
    const batches: Annotation[][] = [];
    for (let i = 0; i < annotations.length; i += PER_REQUEST) batches.push(annotations.slice(i, i + PER_REQUEST));
    // Every batch but the last while still in progress; the last one completes the run.
    for (const batch of batches.slice(0, -1)) {
      await this.api.rest.checks.update({ owner: this.owner, repo: this.repo, check_run_id: id, status: 'in_progress', output: { ...fitted, annotations: batch } });
    }
    const last = batches[batches.length - 1];
    await this.api.rest.checks.update({
      owner: this.owner,
      repo: this.repo,
      check_run_id: id,
      status: 'completed',
      conclusion,
      completed_at: new Date().toISOString(),
      output: { ...fitted, ...(last ? { annotations: last } : {}) },
    });
  }

  private fit(o: CheckOutput): CheckOutput {
    return { title: o.title.slice(0, 255), summary: fitOutput(o.summary), ...(o.text !== undefined ? { text: fitOutput(o.text) } : {}) };
  }
}
