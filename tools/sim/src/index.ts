/**
 * @packageDocumentation
 * Network simulation with real sockets on loopback: `simulate({ nodes })` starts N P2P layers from a few
 * bootstrap peers and measures how long they take to settle within their connection thresholds in
 * one connected graph.
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
