// Repository paths for tests (they run from dist/test, two levels below the root).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const EXAMPLES = join(ROOT, 'examples');
export const GOLDEN = join(ROOT, 'test', 'golden');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
/** The project's shared/ folder: beside the clone (as CI and developers have it), or LAKESPEC_SHARED. */
export const SHARED = process.env.LAKESPEC_SHARED ?? join(ROOT, '..', 'shared');
export const REFERENCE = join(SHARED, 'reference');
