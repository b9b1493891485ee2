export { compareRuns, type Difference, type RunComparison, type RunFacts } from './compare-runs.js';
export {
  type CaptureOptions,
  captureEnvironment,
  EnvironmentCapture,
  type GitState,
  MAX_DIFF_BYTES,
  type MachineInfo,
  type PythonInfo,
  type RunEnvironment,
} from './environment.js';
export { DEFAULT_MEDIA_TYPE, mediaTypeOf } from './media-type.js';
export { metricChartSpec, type RunSeries } from './metric-plot.js';
export { ObjectStore } from './object-store.js';
export { recordArtifact } from './record-artifact.js';
export { renderSvg, svgToPng } from './render-chart.js';
export { ResourceMonitor, type ResourceMonitorOptions } from './resource-monitor.js';
export { objectsOf } from './store-objects.js';
