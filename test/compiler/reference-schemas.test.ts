// The Spark and dbt artifacts satisfy the reference schemas in ../shared/reference.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { EXAMPLES, REFERENCE } from '../helpers/paths.js';

const crdPath = join(REFERENCE, 'spark-operator', 'sparkapplications.sparkoperator.k8s.io.yaml');
const dbtProjectSchemaPath = join(REFERENCE, 'dbt-jsonschema', 'dbt_project-latest.json');
const dbtYmlSchemaPath = join(REFERENCE, 'dbt-jsonschema', 'dbt_yml_files-latest.json');

describe('reference schemas', () => {
  it('are present (../shared/reference)', () => {
    for (const p of [crdPath, dbtProjectSchemaPath, dbtYmlSchemaPath]) expect(existsSync(p), `${p} is missing: the tests expect the project's shared/ folder beside the clone, or LAKESPEC_SHARED`).toBe(true);
  });

  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const crd = parse(readFileSync(crdPath, 'utf8'));
  const version = crd.spec.versions.find((v: { name: string }) => v.name === 'v1beta2');
  const validateApp = ajv.compile(version.schema.openAPIV3Schema);
  const validateProject = ajv.compile(JSON.parse(readFileSync(dbtProjectSchemaPath, 'utf8')));
  const validateYml = ajv.compile(JSON.parse(readFileSync(dbtYmlSchemaPath, 'utf8')));

  for (const env of ['dev', 'prod']) {
    const r = compile(readSpecFiles(join(EXAMPLES, 'finance')).files, { environment: env, gitSha: 'abcdef1' });

    it(`SparkApplication manifests validate against the CRD (${env})`, () => {
      const apps = r.artifacts.filter((a) => a.kind === 'spark.application');
      expect(apps.length).toBeGreaterThan(0);
      for (const a of apps) {
        const doc = parse(a.content);
        const ok = validateApp(doc);
        expect(ok, `${a.path}: ${JSON.stringify(validateApp.errors)}`).toBe(true);
        for (const f of ['type', 'sparkVersion', 'mainApplicationFile', 'driver', 'executor']) expect(doc.spec[f]).toBeDefined();
        expect(doc.metadata.labels['lakespec.dev/git-sha']).toBe('abcdef1');
        expect(doc.metadata.labels['lakespec.dev/spec-hash']).toMatch(/^[0-9a-f]{40,63}$/);
        expect(doc.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        // Secrets reach the pods only as secretKeyRef, never as values.
        expect(JSON.stringify(doc.spec.driver.env ?? [])).toContain('secretKeyRef');
      }
    });

    it(`dbt_project.yml validates against dbt-jsonschema (${env})`, () => {
      const p = r.artifacts.find((a) => a.path === 'dbt/dbt_project.yml')!;
      expect(validateProject(parse(p.content)), JSON.stringify(validateProject.errors)).toBe(true);
    });

    it(`dbt property and source files validate against dbt-jsonschema (${env})`, () => {
      const ymls = r.artifacts.filter((a) => a.path.startsWith('dbt/models/') && a.path.endsWith('.yml'));
      expect(ymls.length).toBeGreaterThan(1);
      for (const y of ymls) expect(validateYml(parse(y.content)), `${y.path}: ${JSON.stringify(validateYml.errors)}`).toBe(true);
    });
  }
});
