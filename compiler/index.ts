// Public surface of the compiler: pure compile(), the IR, backends and artifact manifests.
export { compile, emitAll, CompileCache, UNKNOWN_SHA, type CompileOptions, type CompileResult } from './compile.js';
export { ALL_BACKENDS, BACKENDS, createBackend, isBackendId } from './backends/registry.js';
export { lower, LowerCache, irJson, type IRProject, type IRTable, type IRPipeline, type IRStep, type IRColumn, type IRCheck, type IRWrite } from './ir.js';
export { type Backend, type BackendId, type BackendCapabilities, type EmitResult, EmitMemo } from './backend.js';
export { type Artifact, type ArtifactKind, type Manifest, type ManifestEntry, ManifestMemo, FileMemo, joinedArtifact, buildManifest, manifestJson, MANIFEST_FORMAT } from './artifact.js';
export { buildGraph, graphJson, graphMermaid, graphDot, type DependencyGraph } from './graph-export.js';
export { type PipelinePlan, type PlanAction, type PlanStep, type LineRange, PIPELINE_PLAN_FORMAT, readPipelinePlan } from './pipeline-plan.js';
export { readPipelinePlans } from './read-pipeline-plans.js';
export { SqlDialect, type CheckQuery } from './sql-dialect.js';
export { TrinoDialect } from './dialects/trino-dialect.js';
export { DuckDbDialect } from './dialects/duckdb-dialect.js';
export { SparkDialect } from './dialects/spark-dialect.js';
export { type SqlBackend } from './backends/sql-backend.js';
export { TrinoBackend } from './backends/trino-backend.js';
export { DuckDbBackend } from './backends/duckdb-backend.js';
export { SparkBackend, dnsName } from './backends/spark-backend.js';
export { DbtBackend } from './backends/dbt-backend.js';
