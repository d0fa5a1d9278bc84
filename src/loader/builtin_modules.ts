/**
 * The built-in execution modules: the name functions are called by → how to import the file.
 * A static table so the loader imports a module only when one of its functions is called.
 * Several candidates for one name are providers tried in order (the first whose `virtual()`
 * accepts wins), the way Salt picks `pkg` from aptpkg/yumpkg.
 */
export type ModuleImport = () => Promise<unknown>;

export const BUILTIN_MODULES: Readonly<Record<string, readonly ModuleImport[]>> = {
  cmd: [() => import('../modules/cmd.js')],
  saltutil: [() => import('../modules/saltutil.js')],
  sys: [() => import('../modules/sys.js')],
  test: [() => import('../modules/test.js')],
};
