// Bundled by esbuild into a page for jupyterlab.test.mjs: JupyterLab's own output renderers
// (@jupyterlab/rendermime with its default sanitizer), exposed as window.renderBundle.
import { MimeModel, RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';

const registry = new RenderMimeRegistry({ initialFactories: standardRendererFactories });

// renderBundle renders one MIME bundle the way a JupyterLab output area does, trusted or not, into a new
// element of the page, and reports which MIME type JupyterLab picked.
window.renderBundle = async (data, trusted, label) => {
  const mime = registry.preferredMimeType(data, trusted ? 'any' : 'ensure');
  const host = document.createElement('section');
  host.dataset.label = label;
  host.dataset.mime = String(mime);
  document.body.appendChild(host);
  if (!mime) return { mime: null };
  const renderer = registry.createRenderer(mime);
  await renderer.renderModel(new MimeModel({ data, trusted }));
  host.appendChild(renderer.node);
  return { mime };
};
