/**
 * The built-in state modules: the name states are called by → how to import the file.
 * Imported only when a state of that module runs.
 */
export type StateModuleImport = () => Promise<unknown>;

export const BUILTIN_STATES: Readonly<Record<string, StateModuleImport>> = {
  cmd: () => import('./cmd.js'),
  cron: () => import('./cron.js'),
  group: () => import('./group.js'),
  host: () => import('./host.js'),
  pkg: () => import('./pkg.js'),
  pkgrepo: () => import('./pkgrepo.js'),
  service: () => import('./service.js'),
  ssh_auth: () => import('./ssh_auth.js'),
  user: () => import('./user.js'),
  file: () => import('./file.js'),
  module: () => import('./module.js'),
  schedule: () => import('./schedule.js'),
  salt: () => import('./saltmod.js'),
  test: () => import('./test.js'),
};
