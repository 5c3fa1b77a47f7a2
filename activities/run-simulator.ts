import { SimulatorCache } from '../src/simulator/cache.js';
import { simulatorInputFromStore } from '../src/simulator/from-store.js';
import { Simulator } from '../src/simulator/simulator.js';
import type { ActivityDeps } from './deps.js';

/** A simulator over everything the run recorded, the probe episode included. */
export async function simulatorOf(deps: ActivityDeps, runId: string): Promise<Simulator> {
  return new Simulator(SimulatorCache.fromRecording(await simulatorInputFromStore(deps.store, runId)));
}
