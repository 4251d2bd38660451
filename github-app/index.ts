// Public surface of the GitHub App layer (thin: verify, persist, acknowledge; then work from
// the queue: checks on pull requests, apply on merge, status back as check runs).
export { mountWebhookReceiver, isHandled, HANDLED, type ReceiverOptions } from './webhook-receiver.js';
export { GitHubApp, githubSettingsFromEnv, type GitHubAppSettings, type GitHubAppOptions } from './github-app.js';
export { GitHubClient, GitHubConfigError, type GitHubApi, type GitHubClientOptions } from './github-client.js';
export { DeliveryExecutor, GITHUB_EXECUTOR } from './delivery-executor.js';
export { Redeliverer } from './redelivery.js';
export { RepoCache } from './repo-cache.js';
export { CheckRuns, CHECK, fitOutput, MAX_OUTPUT_CHARS } from './check-runs.js';
export { annotationsOf, validateResult, planResult } from './check-output.js';
export { workItem, type WorkItem } from './work-item.js';
export { projectAtCommit } from './project-at-commit.js';
