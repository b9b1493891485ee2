import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { describeSeriesConformance } from './series-conformance.js';

describeSeriesConformance('sqlite', async (t) => {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  return store;
});
