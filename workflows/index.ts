/** Every workflow the worker serves. */
export { generateServerDataset } from './generate-server-dataset.js';
export { generateFleetDataset } from './generate-fleet-dataset.js';
export { exploreSubDag } from './explore-sub-dag.js';
export { replayTasks } from './replay-tasks.js';
export { auditDataset } from './audit-dataset.js';
