/**
 * The bridge to the renderer pipeline (`src/render/pipeline.ts`, `renderSls`). While that
 * module is absent, SLS text is loaded as plain YAML (no Jinja).
 */
import { loadSaltYaml } from '../yaml/salt_yaml.js';
import type { RenderSlsArgs } from './types.js';

type PipelineRender = (args: RenderSlsArgs) => Promise<unknown> | unknown;

let pipeline: Promise<PipelineRender | null> | undefined;

async function loadPipeline(): Promise<PipelineRender | null> {
  const path = '../render/pipeline.js';
  try {
    const mod = (await import(path)) as { renderSls?: PipelineRender };
    return typeof mod.renderSls === 'function' ? mod.renderSls : null;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('pipeline')) return null;
    throw err;
  }
}

/** YAML-only rendering: an empty or whitespace-only file is `{}`. */
export function renderYamlOnly(args: RenderSlsArgs): unknown {
  if (!args.source.text.trim()) return {};
  const out = loadSaltYaml(args.source.text, { filename: args.source.path });
  return out ?? {};
}

/** Renders with the renderer pipeline when it exists, else as plain YAML. */
export async function renderWithPipeline(args: RenderSlsArgs): Promise<unknown> {
  pipeline ??= loadPipeline();
  const render = await pipeline;
  return render ? render(args) : renderYamlOnly(args);
}
