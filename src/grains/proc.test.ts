import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCpuinfo, parseKernelParams, parseMeminfo, shlexSplit, ShlexSplitError } from './proc.js';

test('parseCpuinfo() counts processors and takes the last model name and the flags', () => {
  const text = ['processor\t: 0', 'vendor_id\t: GenuineIntel', 'model name\t: Intel(R) Xeon(R) Processor', 'flags\t\t: fpu vme  de', '',
    'processor\t: 1', 'vendor_id\t: GenuineIntel', 'model name\t: Intel(R) Xeon(R) Processor', 'flags\t\t: fpu vme de', ''].join('\n');
  assert.deepEqual(parseCpuinfo(text), { num_cpus: 2, cpu_model: 'Intel(R) Xeon(R) Processor', cpu_flags: ['fpu', 'vme', 'de'] });
});

test('parseCpuinfo() reads ARM and s390 layouts and has defaults', () => {
  assert.deepEqual(parseCpuinfo('Processor\t: ARMv6-compatible processor rev 7 (v6l)\nFeatures\t: swp half thumb\n'), {
    cpu_model: 'ARMv6', num_cpus: 1, cpu_flags: ['swp', 'half', 'thumb'],
  });
  assert.equal(parseCpuinfo('vendor_id       : IBM/S390\n# processors    : 4\n').num_cpus, 4);
  assert.deepEqual(parseCpuinfo(null), { num_cpus: 0, cpu_model: 'Unknown', cpu_flags: [] });
});

test('parseMeminfo() gives MiB rounded down', () => {
  assert.deepEqual(parseMeminfo('MemTotal:       24684000 kB\nMemFree: 1 kB\nSwapTotal:      2047 kB\n'), { mem_total: 24105, swap_total: 1 });
  assert.deepEqual(parseMeminfo(null), { mem_total: 0, swap_total: 0 });
});

test('shlexSplit() follows Python’s POSIX shlex.split', () => {
  assert.deepEqual(shlexSplit(`a "b c" 'd e' f\\ g "h\\"i" 'j\\k'`), ['a', 'b c', 'd e', 'f g', 'h"i', 'j\\k']);
  assert.deepEqual(shlexSplit('  x   y\n'), ['x', 'y']);
  assert.deepEqual(shlexSplit('a=""'), ['a=']);
  assert.throws(() => shlexSplit('a "b'), ShlexSplitError);
});

test('parseKernelParams() keeps key/value pairs, and [word, null] for bare words and a=b=c', () => {
  assert.deepEqual(parseKernelParams('console=ttyS0 quiet a=b=c root="UUID=1" opt="x y" -- --addr 0.0.0.0:2024\n'), [
    ['console', 'ttyS0'],
    ['quiet', null],
    ['a', null],
    ['root', null],
    ['opt', 'x y'],
    ['--', null],
    ['--addr', null],
    ['0.0.0.0:2024', null],
  ]);
});
