import { z } from 'zod/v3';
import { artifactPreview } from '../artifact-preview.js';
import { experimentNotifications, sendTestNotification } from '../experiment-notifications.js';
import { filterFields, filterOf, handler, runId } from '../handler.js';
import { metricBands } from '../metric-bands.js';
import { artifactFile } from '../run-views.js';

/** The handlers behind the dashboard's compare bands, artifact previews and notification panel (docs/http.md). */
export const DASHBOARD_HANDLERS = {
  /** Mean ± std of a metric per step, over the selected runs grouped by a parameter's value. */
  metricBands: handler(
    z
      .object({
        ...filterFields,
        key: z.string().min(1).describe('the metric'),
        by: z.string().min(1).describe('the parameter whose values make the groups, e.g. lr or model.depth'),
        maxRuns: z.number().int().positive().max(2000).default(500),
        maxSteps: z.number().int().min(10).max(10_000).default(1000),
      })
      .strict(),
    async ({ key, by, maxRuns, maxSteps, ...params }, { engine }) => {
      await engine.reapExpiredLeases();
      return metricBands(engine.store, filterOf(params), { key, by, maxRuns, maxSteps });
    },
  ),

  /** What the run view shows of an artifact: an image, the first rows of a table, or nothing (a download link). */
  getArtifactPreview: handler(
    z.object({ id: runId, name: z.string(), maxRows: z.number().int().positive().max(1000).default(50) }).strict(),
    async ({ id, name, maxRows }, { engine }) => {
      const file = await artifactFile(engine.store, id, name);
      return { name: file.name, mediaType: file.mediaType, size: file.size, ...(await artifactPreview(file, maxRows)) };
    },
  ),

  /** The notification channels of an experiment, credentials masked. */
  listNotifications: handler(z.object({ name: z.string() }).strict(), async ({ name }, { engine }) =>
    experimentNotifications(engine.store, name),
  ),

  /** Sends a test message to one of an experiment's webhook or e-mail channels; answers whether it arrived. */
  testNotification: handler(
    z.object({ name: z.string(), index: z.number().int().nonnegative() }).strict(),
    async ({ name, index }, { engine }) => sendTestNotification(engine.store, name, index),
    { writes: true },
  ),
};
