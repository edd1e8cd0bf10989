import fs from 'node:fs';

import { SynganError } from '../core/errors';
import { isObject, joinMultiline } from './nbformat';

/** MIME type of a plotly figure (`{ data, layout, config? }`) in a notebook output. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** A plotly figure ready to draw. */
export interface PlotlyFigure {
  data: unknown[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
}

/**
 * Trace types that draw maps: they fetch tiles, fonts or topojson from the internet, so a
 * self-contained report cannot show them.
 */
const NETWORK_TRACE_TYPES = new Set([
  'scattergeo', 'choropleth', 'scattermapbox', 'choroplethmapbox', 'densitymapbox',
  'scattermap', 'choroplethmap', 'densitymap',
]);

/**
 * Parses and checks a plotly bundle value (parsed JSON, or JSON text as tslab's `display.raw`
 * sends it) and makes it self-contained. Layout images that are not data URIs are removed, and
 * the figure's own width is dropped so that it fits the page column. Throws an Error with the
 * reason when the figure cannot be drawn offline.
 */
export function preparePlotlyFigure(value: unknown): PlotlyFigure {
  let spec: unknown = value;
  if (typeof value === 'string' || Array.isArray(value)) {
    try {
      spec = JSON.parse(joinMultiline(value));
    } catch (error) {
      throw new Error(`the plotly figure is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!isObject(spec) || !Array.isArray(spec.data)) {
    throw new Error('the plotly figure has no "data" array');
  }

  for (const trace of spec.data) {
    const type = isObject(trace) && typeof trace.type === 'string' ? trace.type : 'scatter';
    if (NETWORK_TRACE_TYPES.has(type)) {
      throw new Error(`trace type "${type}" needs map data from the internet`);
    }
  }

  const layout: Record<string, unknown> = isObject(spec.layout) ? { ...spec.layout } : {};
  delete layout.width;
  layout.autosize = true;
  if (layout.margin === undefined) {
    // Plotly's default margins (80–100 px) leave wide blank bands on a printed page.
    layout.margin = { t: layout.title === undefined ? 16 : 48, r: 16, b: 48, l: 56 };
  }
  if (Array.isArray(layout.images)) {
    layout.images = layout.images.filter(
      (image: unknown) => isObject(image) && typeof image.source === 'string' && image.source.startsWith('data:image/'),
    );
  }

  const config: Record<string, unknown> = {
    ...(isObject(spec.config) ? spec.config : {}),
    displayModeBar: false,
    displaylogo: false,
    responsive: true,
    showLink: false,
    topojsonURL: '',
    mapboxAccessToken: '',
  };
  return { data: spec.data, layout, config };
}

/** Reads the inlined plotly.js bundle (`plotly.js-dist-min`), ready to put in a `<script>`. */
export function readPlotlyLibrary(): string {
  let file: string;
  try {
    file = require.resolve('plotly.js-dist-min/plotly.min.js');
  } catch (error) {
    throw new SynganError('The package plotly.js-dist-min is not installed.', {
      hint: 'Run npm install in the syngan folder; the report inlines plotly.js from node_modules.',
      cause: error,
    });
  }
  // `</script` inside the code would end the element early; `<\/script` means the same in JS.
  return fs.readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
}

/**
 * Script that draws every `.plotly-figure` of the page from its JSON and then sets
 * `window.__syngan_ready = true`. Figures that fail keep their static fallback and are listed in
 * `window.__syngan_plot_errors`. Works offline; the PDF printer waits for the flag.
 */
export const PLOTLY_BOOTSTRAP = `
(function () {
  var errors = [];
  window.__syngan_plot_errors = errors;
  function done() { window.__syngan_ready = true; }
  if (typeof Plotly === 'undefined') { errors.push('plotly.js did not load'); done(); return; }
  var pending = [];
  var figures = document.querySelectorAll('.plotly-figure');
  for (var i = 0; i < figures.length; i++) {
    (function (container) {
      try {
        var spec = JSON.parse(document.getElementById(container.getAttribute('data-spec')).textContent);
        var target = document.createElement('div');
        target.className = 'plotly-target';
        container.insertBefore(target, container.firstChild);
        pending.push(Plotly.newPlot(target, spec.data, spec.layout, spec.config).then(function () {
          var fallback = container.querySelector('.plotly-fallback');
          if (fallback) fallback.remove();
        }, function (error) {
          target.remove();
          errors.push(container.id + ': ' + error);
        }));
      } catch (error) {
        errors.push(container.id + ': ' + error);
      }
    })(figures[i]);
  }
  Promise.all(pending).then(function () {
    requestAnimationFrame(function () { requestAnimationFrame(done); });
  });
})();
`;
