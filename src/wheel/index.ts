/** The wheel modules (Salt's `salt.loader.wheels`): master management functions for WheelClient. */
import { FunctionTable } from '../runners/_table.js';
import type { MasterModule } from '../runners/types.js';
import config from './config.js';
import key from './key.js';

/** Every wheel module, by its Salt name. */
export const WHEEL_MODULES: readonly MasterModule[] = [config, key];

let wheels: FunctionTable | null = null;

/** The wheel functions (built once). */
export function wheelFunctions(): FunctionTable {
  wheels ??= new FunctionTable(WHEEL_MODULES);
  return wheels;
}
