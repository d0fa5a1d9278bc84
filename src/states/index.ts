/**
 * The built-in state modules: the name states are called by → how to import the file.
 * Imported only when a state of that module runs.
 */
export type StateModuleImport = () => Promise<unknown>;

export const BUILTIN_STATES: Readonly<Record<string, StateModuleImport>> = {
  cmd: () => import('./cmd.js'),
  file: () => import('./file.js'),
  module: () => import('./module.js'),
  test: () => import('./test.js'),
};
