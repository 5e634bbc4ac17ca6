// Renders viz's sample page (every view: tensors, graphs, progress bars, loss curve, plots) in headless
// Chromium and checks the DOM the browser built from it, then writes a screenshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, outDir, root, run } from './lib.mjs';

test('viz sample page renders in Chromium', async () => {
  const page_ = join(outDir, 'viz-sample.html');
  run('go', ['test', '-count=1', '-run', '^TestSamplePage$', './viz'], {
    cwd: root, env: { ...process.env, VIZ_SAMPLE_PAGE: page_ },
  });
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
    await page.goto(pathToFileURL(page_).href);
    const facts = await page.evaluate(() => {
      const tables = [...document.querySelectorAll('table')];
      const first = tables[0];
      const bg = [...first.querySelectorAll('td')].map((td) => getComputedStyle(td).backgroundColor);
      const svgs = [...document.querySelectorAll('svg')];
      const graph = svgs.find((s) => s.querySelector('rect[rx]'));
      return {
        header: first.parentElement.firstElementChild.textContent,
        stats: first.parentElement.children[1].textContent,
        cells: first.querySelectorAll('td').length,
        tinted: bg.filter((c) => c !== 'rgba(0, 0, 0, 0)').length,
        gaps: [...first.querySelectorAll('td')].filter((td) => ['⋯', '⋮', '⋱'].includes(td.textContent)).length,
        details: document.querySelectorAll('details').length,
        graphBoxes: graph.querySelectorAll('rect').length,
        graphEdges: graph.querySelectorAll('path').length,
        graphTitles: [...graph.querySelectorAll('title')].map((t) => t.textContent),
        graphWidth: graph.getBoundingClientRect().width,
        bars: [...document.querySelectorAll('[role=progressbar]')].map((b) => b.dataset.state + ' ' + b.getAttribute('aria-valuenow')),
        fullBar: (() => {
          const done = document.querySelector('[role=progressbar][data-state=done]');
          return done.firstElementChild.getBoundingClientRect().width / done.getBoundingClientRect().width;
        })(),
        curves: [...document.querySelectorAll('img')].filter((i) => i.src.startsWith('data:image/svg+xml') && i.naturalWidth > 0).length,
      };
    });
    assert.match(facts.header, /w tensor float32 · \(30, 40\) · cpu · requires_grad=True · 4\.69 KiB/);
    assert.match(facts.stats, /min -2\.9987 · max inf · finite mean .* NaN 1 · Inf 1/);
    assert.equal(facts.cells, 16 * 12 + 16 + 12 + 1, 'shown cells of a 30×40 tensor');
    assert.equal(facts.gaps, 16 + 12 + 1, '⋯ ⋮ ⋱ cells');
    assert.ok(facts.tinted > 150, `heatmap tints on ${facts.tinted} cells`);
    assert.equal(facts.details, 3, 'one <details> per slice of the 3-D tensor');
    assert.equal(facts.graphBoxes, 6, 'boxes of the seed graph');
    assert.equal(facts.graphEdges, 5, 'edges of the seed graph');
    assert.ok(facts.graphTitles.includes('op: PowBackward0'), facts.graphTitles.join('|'));
    assert.ok(facts.graphWidth > 100);
    assert.deepEqual(facts.bars, ['running 90', 'done 200', 'stopped 50']);
    assert.ok(facts.fullBar > 0.99, `finished bar fill ${facts.fullBar}`);
    assert.equal(facts.curves, 1, 'loss curve image decoded');
    await page.screenshot({ path: join(outDir, 'viz-sample.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});
