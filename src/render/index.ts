/**
 * SLS renderers: the renderer pipeline for one file (Salt's compile_template) and the renderers
 * (`jinja`, `yaml`, `json`; `py` reports it is unsupported). The state compiler calls
 * {@link findSls} + {@link renderSls} for every SLS it collects.
 */
export {
  compileTemplate,
  defaultRenderers,
  findSls,
  parseRenderPipe,
  renderPipeFor,
  renderSls,
  type PipeStep,
  type RenderSlsOptions,
} from './pipeline.js';
export type { FileLookup, RenderContext, Renderer, RendererCall, RendererRegistry } from './types.js';
export {
  getContext,
  JsonDecodeError,
  RendererInputError,
  SaltRenderError,
  UnsupportedRendererError,
  YamlComposerError,
  type RenderLocation,
} from './errors.js';
export { renderJinjaText, slsContext } from './renderers/jinja.js';
export { renderYamlText } from './renderers/yaml.js';
export { pyJsonLoads } from './py_json.js';
export { Environment, type EnvironmentOptions, type Template, type TemplateLoader } from './jinja/environment.js';
