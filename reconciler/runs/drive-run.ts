// Works one run's phases in this process until the run ends: the loop the CLI (printing
// progress) and the GitHub App (updating the apply check) both drive a run with.
import type { RunQueue } from '../state/run-queue.js';
import { type Run, isTerminalRun } from '../state/run-types.js';
import { type Worker, sleep } from './worker.js';

/**
 * Claims and runs phases with `worker` until the run is succeeded, failed or cancelled;
 * `tick` sees the run after every pass. Waits gently while phases back off or run elsewhere.
 */
export async function driveRun(queue: RunQueue, worker: Worker, runId: string, tick?: (run: Run) => Promise<void>): Promise<Run> {
  for (;;) {
    const worked = await worker.runOnce();
    const now = (await queue.getRun(runId))!;
    await tick?.(now);
    if (isTerminalRun(now.status)) return now;
    if (!worked) await sleep(100);
  }
}
