// Item 7 of issue 8: JupyterLab's server cannot be installed here, so the outputs of a real classic-Notebook run
// (saved by notebook.test.mjs, which runs just before this file, or else the copy in testdata/) are rendered by JupyterLab's own renderers
// (@jupyterlab/rendermime, bundled with esbuild) in headless Chromium, trusted and untrusted. The test checks
// that JupyterLab picks a sensible MIME type in each case and that its HTML sanitizer keeps what the display
// needs: the table and its colours, the progress bar's fill, the loss curve image; SVG is shown when trusted
// and the text/plain twin when not. Screenshots in a light and a dark JupyterLab theme are written to out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { here, launch, outDir } from './lib.mjs';

// A few of JupyterLab's theme variables, light and dark, so the views' var() styles resolve as in JupyterLab.
const themes = {
  light: { '--jp-layout-color0': '#fff', '--jp-layout-color3': '#bdbdbd', '--jp-content-font-color1': 'rgba(0,0,0,.87)',
    '--jp-content-font-color2': 'rgba(0,0,0,.54)', '--jp-content-font-color3': 'rgba(0,0,0,.38)', '--jp-border-color2': '#e0e0e0',
    '--jp-code-font-family': 'monospace', '--jp-brand-color1': '#1976d2', '--jp-success-color1': '#388e3c' },
  dark: { '--jp-layout-color0': '#111', '--jp-layout-color3': '#515151', '--jp-content-font-color1': 'rgba(255,255,255,1)',
    '--jp-content-font-color2': 'rgba(255,255,255,.7)', '--jp-content-font-color3': 'rgba(255,255,255,.5)', '--jp-border-color2': '#424242',
    '--jp-code-font-family': 'monospace', '--jp-brand-color1': '#42a5f5', '--jp-success-color1': '#66bb6a' },
};

function outputs() {
  const fresh = join(outDir, 'viz_demo.executed.ipynb');
  const nb = JSON.parse(readFileSync(existsSync(fresh) ? fresh : join(here, 'testdata', 'viz_demo.executed.ipynb'), 'utf8'));
  return nb.cells.map((c) => c.outputs.map((o) => Object.fromEntries(
    Object.entries(o.data).map(([k, v]) => [k, Array.isArray(v) ? v.join('') : v]))).at(-1));
}

test('JupyterLab renderers show the outputs, trusted and untrusted', { timeout: 120_000 }, async () => {
  const bundle = join(outDir, 'jl-bundle.js');
  await build({ entryPoints: [join(here, 'jl_entry.js')], bundle: true, format: 'iife', outfile: bundle,
    loader: { '.svg': 'text', '.css': 'empty' }, logLevel: 'error' });
  const data = outputs();
  assert.equal(data.length, 5, 'outputs of the five demo cells');
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:8px;' +
      'display:grid;grid-template-columns:1fr 1fr;gap:8px 24px;font-family:sans-serif"></body></html>');
    await page.addScriptTag({ path: bundle });
    const picked = {};
    for (const [i, d] of data.entries()) {
      for (const trusted of [true, false]) {
        const { mime } = await page.evaluate(([d, t, l]) => window.renderBundle(d, t, l), [d, trusted, `${i}-${trusted}`]);
        picked[`${i}-${trusted}`] = mime;
      }
    }
    await page.waitForFunction(() => [...document.images].every((im) => im.complete));
    const facts = await page.evaluate(() => {
      const at = (l) => document.querySelector(`section[data-label="${l}"]`);
      const table = (l) => {
        const tds = [...at(l).querySelectorAll('td')];
        return { cells: tds.length, tinted: tds.filter((td) => getComputedStyle(td).backgroundColor !== 'rgba(0, 0, 0, 0)').length,
          font: getComputedStyle(tds[0] ?? at(l)).fontFamily, header: at(l).querySelector('div div')?.textContent };
      };
      const bar = (l) => {
        const outer = [...at(l).querySelectorAll('div')].find((d) => d.style.width === '300px');
        const fill = outer?.firstElementChild;
        return fill ? { ratio: fill.getBoundingClientRect().width / outer.getBoundingClientRect().width,
          colour: getComputedStyle(fill).backgroundColor } : null;
      };
      const image = (l) => { const im = at(l).querySelector('img'); return im ? im.naturalWidth : 0; };
      const text = (l) => at(l).textContent;
      const r = {};
      for (const t of [true, false]) {
        r[t] = { table: table(`0-${t}`), graphImage: image(`1-${t}`), graphText: text(`1-${t}`), bar: bar(`2-${t}`),
          curve: image(`3-${t}`), plotImage: image(`4-${t}`), plotText: text(`4-${t}`) };
      }
      return r;
    });
    const want = { '0': 'text/html', '1': 'image/svg+xml', '2': 'text/html', '3': 'text/html', '4': 'image/svg+xml' };
    for (const [i, mime] of Object.entries(want)) {
      assert.equal(picked[`${i}-true`], mime, `trusted output ${i}`);
      assert.equal(picked[`${i}-false`], mime === 'image/svg+xml' ? 'text/plain' : mime, `untrusted output ${i}`);
    }
    for (const t of ['true', 'false']) {
      const f = facts[t];
      assert.match(f.table.header ?? '', /x tensor float64 · \(4, 6\) · cpu · 192 B/, `header (trusted=${t})`);
      assert.equal(f.table.cells, 24, `table cells (trusted=${t})`);
      assert.ok(f.table.tinted >= 22, `heatmap colours kept (trusted=${t}): ${f.table.tinted} tinted cells`);
      assert.match(f.table.font, /mono/i, `monospace numbers (trusted=${t})`);
      assert.ok(f.bar && f.bar.ratio > 0.99 && f.bar.colour !== 'rgba(0, 0, 0, 0)', `full, coloured bar (trusted=${t}): ${JSON.stringify(f.bar)}`);
      assert.ok(f.curve > 0, `loss curve image (trusted=${t})`);
    }
    assert.ok(facts.true.graphImage > 0 && facts.true.plotImage > 0, 'trusted: graph and plot SVGs shown');
    assert.match(facts.false.graphText, /SubBackward0[\s\S]*PowBackward0/, 'untrusted: the graph\'s op tree');
    assert.match(facts.false.plotText, /<heatmap plot "x": 4×6>/, 'untrusted: the plot\'s text twin');
    assert.deepEqual(errors, []);
    for (const [name, vars] of Object.entries(themes)) {
      await page.evaluate(([v, dark]) => {
        for (const [k, x] of Object.entries(v)) document.body.style.setProperty(k, x);
        document.body.style.background = dark ? '#111' : '#fff';
        document.body.style.color = dark ? '#fff' : '#000';
      }, [vars, name === 'dark']);
      await page.screenshot({ path: join(outDir, `jupyterlab-${name}.png`), fullPage: true });
    }
  } finally {
    await browser.close();
  }
});
