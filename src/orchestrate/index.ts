/**
 * Orchestration on the master (Salt's `state.orchestrate` runner): {@link orchestrate},
 * {@link orchestrateHigh} and {@link orchestrateSingle} run states in the master minion
 * ({@link masterMinion}), whose `saltutil.cmd/runner/wheel` reach minions and master functions
 * for the `salt` state module (src/states/saltmod.ts). The runner functions themselves
 * (`state.orchestrate`, `orch`, `sls`, `orchestrate_single`, `orchestrate_high`) live in
 * src/runners/state.ts and import this folder on first use.
 */
export { orchestrate, orchestrateHigh, orchestrateSingle, slsNames, type OrchestrateCommon, type OrchestrateOptions, type OrchestrateResult, type OrchestrationRun } from './orchestrate.js';
export { masterClients, masterFunctions, masterMinion, type CmdOptions, type MasterClients, type MasterMinion, type MasterMinionOptions } from './master_minion.js';
