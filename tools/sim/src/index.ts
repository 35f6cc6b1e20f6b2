/**
 * @packageDocumentation
 * Network simulation with real sockets on loopback: `simulate({ nodes })` starts N P2P layers in this
 * process from a few bootstrap peers and measures how long they take to settle within their
 * connection thresholds in one connected graph; `simulateFleet({ nodes, processes })` does the same
 * with the nodes spread over several processes (1,000 nodes and more).
 */
export {
  simulate,
  components,
  simAddress,
  DEFAULT_SIM_LIMITS,
  type SimulationOptions,
  type SimulationProgress,
  type SimulationResult,
  type SimNode,
} from './simulate.js';
export { simulateFleet, type FleetOptions, type FleetResult } from './fleet.js';
export { countComponents } from './graph.js';
export { SimError, type SimErrorCode } from './sim-error.js';
