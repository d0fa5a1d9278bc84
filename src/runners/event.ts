/** The `event` runner: fire an event on the master's event bus from the shell. */
import { defineMasterFunction } from './_define.js';
import { isMap } from './_common.js';
import type { MasterModule } from './types.js';

const event: MasterModule = {
  name: 'event',
  functions: {
    send: defineMasterFunction(
      {
        args: ['tag', 'data'],
        defaults: { data: null },
        doc: `
          Send an event with the given tag and data.

          This is useful for sending events directly to the master from the shell
          with salt-run. It is also quite useful for sending events in orchestration
          states where the \`\`fire_event\`\` requisite isn't sufficient because it does
          not support sending custom data with the event.

          Note that event tags will *not* be namespaced like events sent with the
          \`\`fire_event\`\` requisite! Make sure your reactors don't expect a prefix!

          :param tag: the tag to send with the event
          :param data: an optional dictionary of data to send with the event

          CLI Example:

          .. code-block:: bash

              salt-run event.send my/custom/event '{"foo": "bar"}'
        `,
      },
      async ({ tag, data }, ctx) => {
        const payload = data && isMap(data) ? data : {};
        return ctx.fireEvent(String(tag), { ...payload });
      },
    ),
  },
};

export default event;
