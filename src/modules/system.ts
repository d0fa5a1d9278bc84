/**
 * Salt's `system` execution module on Linux (Salt's file: system.py): halt, power off, reboot
 * or shut down the minion, or change the runlevel. Each function runs one command through
 * `cmd.run` (the seam tests replace to check the command without running it).
 */
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyText, run } from './_syscmd.js';

/** `now`, or the delay in minutes Salt passes through as given. */
function when(atTime: unknown): string {
  return atTime ? pyText(atTime) : 'now';
}

function runCommand(ctx: CallContext, argv: string[]): Promise<string> {
  return run(ctx, argv);
}

const mod: SaltModule = {
  name: 'system',
  virtual: () => (process.platform === 'linux' ? 'system' : [false, 'This module is not available on this platform']),
  functions: {
    halt: defineFunction(
      {
        doc: `
          Halt a running system

          CLI Example:

          .. code-block:: bash

              salt '*' system.halt
        `,
      },
      (_p, ctx) => runCommand(ctx, ['halt']),
    ),
    init: defineFunction(
      {
        args: ['runlevel'],
        doc: `
          Change the system runlevel on sysV compatible systems

          CLI Example:

          .. code-block:: bash

              salt '*' system.init 3
        `,
      },
      ({ runlevel }, ctx) => runCommand(ctx, ['init', pyText(runlevel)]),
    ),
    poweroff: defineFunction(
      {
        doc: `
          Poweroff a running system

          CLI Example:

          .. code-block:: bash

              salt '*' system.poweroff
        `,
      },
      (_p, ctx) => runCommand(ctx, ['poweroff']),
    ),
    reboot: defineFunction(
      {
        args: ['at_time'],
        defaults: { at_time: null },
        doc: `
          Reboot the system

          at_time
              The wait time in minutes before the system will be rebooted.

          CLI Example:

          .. code-block:: bash

              salt '*' system.reboot
        `,
      },
      ({ at_time }, ctx) => runCommand(ctx, ['shutdown', '-r', when(at_time)]),
    ),
    shutdown: defineFunction(
      {
        args: ['at_time'],
        defaults: { at_time: null },
        doc: `
          Shutdown a running system

          at_time
              The wait time in minutes before the system will be shutdown.

          CLI Example:

          .. code-block:: bash

              salt '*' system.shutdown 5
        `,
      },
      ({ at_time }, ctx) => runCommand(ctx, ['shutdown', '-h', when(at_time)]),
    ),
  },
};

export default mod;
