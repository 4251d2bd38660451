// The catalog of every diagnostic lakespec can report. Codes are stable: never reuse or
// renumber one; retire it instead. LS10xx loading, LS12xx schema, LS13xx semantics,
// LS14xx compilation, LS15xx repository configuration (the GitHub App).
import type { Severity } from './diagnostic.js';

export interface CatalogEntry {
  severity: Severity;
  title: string;
  help: string;
}

export const catalog = {
  LS1001: { severity: 'error', title: 'YAML syntax error', help: 'Fix the YAML syntax at the position shown.' },
  LS1002: { severity: 'error', title: 'Duplicate key', help: 'Remove or rename one of the keys; YAML mappings need unique keys.' },
  LS1003: { severity: 'error', title: 'Too many alias expansions', help: 'Aliases expand to more nodes than allowed (a "billion laughs" document?). Write the values out or use fewer aliases.' },
  LS1004: { severity: 'error', title: 'Unsupported YAML tag', help: 'Remove the tag; specs use plain YAML values only.' },
  LS1005: { severity: 'error', title: 'Forbidden key', help: 'Keys named __proto__, constructor or prototype are not allowed.' },
  LS1006: { severity: 'error', title: 'File too large', help: 'Split the file; each spec file is limited in size.' },
  LS1007: { severity: 'error', title: 'Nesting too deep', help: 'Flatten the document; specs never need this much nesting.' },
  LS1008: { severity: 'error', title: 'Not a resource', help: 'Each YAML document must be a mapping with apiVersion, kind, metadata and spec.' },
  LS1009: { severity: 'error', title: 'Unreadable file', help: 'Check that the file exists, is readable and is UTF-8 text.' },
  LS1010: { severity: 'error', title: 'Invalid mapping key', help: 'Mapping keys must be plain strings.' },
  LS1011: { severity: 'warning', title: 'No spec files', help: 'Point lakespec at the folder that holds your .yaml specs.' },
  LS1201: { severity: 'error', title: 'Missing required property', help: 'Add the property.' },
  LS1202: { severity: 'error', title: 'Unknown property', help: 'Remove the property or fix its spelling.' },
  LS1203: { severity: 'error', title: 'Wrong value type', help: 'Use a value of the expected type.' },
  LS1204: { severity: 'error', title: 'Value not allowed', help: 'Use one of the allowed values.' },
  LS1205: { severity: 'error', title: 'Invalid value format', help: 'Make the value match the required format.' },
  LS1206: { severity: 'error', title: 'Unknown kind or apiVersion', help: 'Use apiVersion lakespec.dev/v1 and one of the kinds Workspace, Connection, Dataset, Pipeline.' },
  LS1207: { severity: 'error', title: 'Value out of range', help: 'Use a value within the allowed range.' },
  LS1208: { severity: 'error', title: 'Schema violation', help: 'See the resource reference in docs/spec-reference.md.' },
  LS1209: { severity: 'error', title: 'Secret value in spec', help: 'Secrets are references only: { fromEnv: NAME }, { fromSecret: { name, key } } or { fromFile: path }.' },
  LS1301: { severity: 'error', title: 'Duplicate resource name', help: 'Resource names are unique per kind within a workspace.' },
  LS1302: { severity: 'error', title: 'Unknown reference', help: 'Reference a resource that is declared.' },
  LS1303: { severity: 'error', title: 'Dependency cycle', help: 'Break the cycle: a dataset cannot depend on itself.' },
  LS1304: { severity: 'error', title: 'Unknown column', help: 'Use a column declared in the dataset.' },
  LS1305: { severity: 'error', title: 'Type mismatch', help: 'Use a column whose type fits the operation.' },
  LS1306: { severity: 'error', title: 'Invalid type', help: 'Use a Trino/Iceberg type, e.g. bigint, decimal(12,2), varchar, timestamp(6) with time zone, array(varchar).' },
  LS1307: { severity: 'error', title: 'Dataset not declared upstream', help: "Reference datasets through {{ ref('name') }} and make sure a step produces them." },
  LS1308: { severity: 'error', title: 'Dataset produced twice', help: 'Each dataset is written by exactly one step.' },
  LS1309: { severity: 'error', title: 'Unknown environment', help: 'Use an environment declared in the workspace.' },
  LS1310: { severity: 'error', title: 'Workspace missing or repeated', help: 'Declare exactly one Workspace per spec folder.' },
  LS1311: { severity: 'error', title: 'Invalid schedule', help: 'Use five cron fields: minute hour day-of-month month day-of-week.' },
  LS1312: { severity: 'error', title: 'Invalid physical name', help: 'Naming templates must produce lower-case identifiers (letters, digits, underscores).' },
  LS1313: { severity: 'warning', title: 'Nullable key column', help: 'Declare key columns with nullable: false.' },
  LS1314: { severity: 'error', title: 'Invalid SQL template', help: "Write references as {{ ref('dataset') }}." },
  LS1315: { severity: 'error', title: 'Invalid connection use', help: 'Use a connection of a type that fits.' },
  LS1316: { severity: 'error', title: 'Unknown naming placeholder', help: 'Use {env}, {catalog}, {workspace}, {layer}, {name} or a declared variable.' },
  LS1317: { severity: 'warning', title: 'Dataset never produced', help: 'Add a step that writes the dataset, or remove it.' },
  LS1318: { severity: 'error', title: 'Merge without key', help: 'Give the step a mergeKey or the dataset a primaryKey.' },
  LS1320: { severity: 'warning', title: 'Transform does not parse', help: 'Write the transform as one SELECT query in the dialect of its engine.' },
  LS1321: { severity: 'warning', title: 'Column selected but not declared', help: 'Declare the column in the dataset, or leave it out of the query.' },
  LS1322: { severity: 'error', title: 'Declared column not produced', help: 'Select every column the dataset declares (with an alias where it is an expression).' },
  LS1324: { severity: 'error', title: 'Source file not found', help: 'Add the file to the spec folder, or fix the path of the ingest step or its files connection.' },
  LS1323: { severity: 'error', title: 'Ambiguous rename', help: 'renamedFrom names what the dataset or column was called before; that name must no longer exist.' },
  LS1401: { severity: 'error', title: 'Unsupported on backend', help: 'Change the spec or target another engine.' },
  LS1402: { severity: 'warning', title: 'Lossy type mapping', help: 'The target engine has no exact equivalent of this type.' },
  LS1403: { severity: 'error', title: 'Artifact path clash', help: 'Two names compile to the same file; rename one of them.' },
  LS1501: { severity: 'error', title: 'Invalid repository configuration', help: 'Fix .lakespec.yml; see docs/github-app.md for its fields.' },
  LS1502: { severity: 'error', title: 'Spec folder not found', help: 'Point "specs" in .lakespec.yml at the folder that holds the spec files.' },
} as const satisfies Record<string, CatalogEntry>;

export type DiagnosticCode = keyof typeof catalog;
