// Runs the CLI in-process with captured output (no colour), as a user's terminal would see it.
import { main } from '../../cli/main.js';

export async function runCli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd, color: false, env });
  return { code, stdout, stderr };
}
