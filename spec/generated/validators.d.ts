// Declarations for the validators that scripts/build.mjs compiles from schemas/ into
// dist/spec/generated/validators.js (ajv standalone code).
import type { CompiledValidator } from '../schema-validator.js';
export declare const Workspace: CompiledValidator;
export declare const Connection: CompiledValidator;
export declare const Dataset: CompiledValidator;
export declare const Pipeline: CompiledValidator;
export declare const DatasetOverride: CompiledValidator;
export declare const PipelineOverride: CompiledValidator;
export declare const RepoConfig: CompiledValidator;
