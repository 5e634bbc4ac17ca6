// Item 6 of issue 8: Debian's classic Notebook server on 127.0.0.1 with the gotensor kernelspec opens a
// notebook showing a tensor, a backward graph and a training progress bar; headless Chromium runs all cells and
// the test asserts on the rendered DOM, saves the executed notebook (for the JupyterLab renderer test) and writes
// a screenshot.
//
// The kernel comes from JUPYTER_PATH when it already holds a gotensor kernelspec (scripts/test installs one);
// otherwise the test builds the binary and installs the kernelspec into a scratch prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, outDir, python, root, run } from './lib.mjs';

// The cells, as a student would write them after the seed tutorial.
export const cells = [
  'x := tensor.Arange(24, tensor.Float64).Reshape(4, 6).Sub(10).SetName("x")\nx',
  'a := tensor.New([]float64{2, 3}, tensor.RequiresGrad()).SetName("a")\n' +
    'b := tensor.New([]float64{6, 4}, tensor.RequiresGrad()).SetName("b")\n' +
    'Q := a.Pow(3).Mul(3).Sub(b.Pow(2)).SetName("Q")\n' +
    'autograd.Graph(Q)',
  'p := viz.NewProgress(viz.ProgressOptions{Total: 40, Description: "train"})\n' +
    'for i := 0; i < 40; i++ {\n\ttime.Sleep(25 * time.Millisecond)\n\tp.Add(1)\n}\np.Close()',
  'c := viz.NewLossCurve(viz.LossCurveOptions{})\n' +
    'for i := 0; i < 30; i++ {\n\ttime.Sleep(10 * time.Millisecond)\n\tc.Add(math.Exp(-float64(i)/10) + 0.1)\n}\nc.Close()',
  'fig, err := viz.HeatmapPlotTensor(x, viz.PlotOptions{Title: "x"})\nif err != nil {\n\tpanic(err)\n}\nfig',
];

function notebookJSON() {
  return JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'gotensor', display_name: 'Go (gotensor)', language: 'go' } },
    cells: cells.map((source, i) => ({
      cell_type: 'code', id: `cell${i}`, metadata: {}, execution_count: null, outputs: [], source,
    })),
  }, null, 1);
}

// kernelEnv returns an environment whose JUPYTER_PATH holds a gotensor kernelspec, building one if needed.
function kernelEnv(scratch) {
  const env = { ...process.env };
  const specs = JSON.parse(run(python, ['-m', 'jupyter', 'kernelspec', 'list', '--json'], { env }));
  if (specs.kernelspecs.gotensor) return env;
  const bin = join(scratch, 'bin', 'gotensor');
  run('go', ['build', '-o', bin, '.'], { cwd: root });
  run(bin, ['install', '--prefix', join(scratch, 'prefix')]);
  env.JUPYTER_PATH = join(scratch, 'prefix', 'share', 'jupyter');
  return env;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

async function waitForServer(url, server, log) {
  for (let i = 0; i < 150; i++) {
    if (server.exitCode !== null) throw new Error(`notebook server exited ${server.exitCode}:\n${log()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`notebook server did not answer ${url} in 30 s:\n${log()}`);
}

test('classic Notebook runs a tensor, a graph and a progress bar', { timeout: 180_000 }, async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gotensor-browser-'));
  const nbDir = join(scratch, 'notebooks');
  run('mkdir', ['-p', nbDir]);
  writeFileSync(join(nbDir, 'viz_demo.ipynb'), notebookJSON());
  const env = kernelEnv(scratch);
  env.JUPYTER_CONFIG_DIR = join(scratch, 'config'); // no user config leaks in
  env.JUPYTER_RUNTIME_DIR = join(scratch, 'runtime');
  const port = await freePort();
  const token = 'gotensor-browser-test';
  let serverLog = '';
  const server = spawn(python, ['-m', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`,
    `--NotebookApp.token=${token}`, `--notebook-dir=${nbDir}`,
    ...(process.getuid?.() === 0 ? ['--allow-root'] : [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  const browser = await launch();
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(`${base}/api/status?token=${token}`, server, () => serverLog);
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(`${base}/notebooks/viz_demo.ipynb?token=${token}`);
    await page.waitForFunction(() => window.Jupyter?.notebook?.kernel?.is_connected?.(), null, { timeout: 60_000 });
    await page.evaluate(() => window.Jupyter.notebook.execute_all_cells());
    await page.waitForFunction(() => window.Jupyter.notebook.get_cells().every(
      (c) => c.cell_type !== 'code' || typeof c.input_prompt_number === 'number'), null, { timeout: 90_000 });
    // The live views' last update_display_data can be applied by the Notebook's output area a moment after the
    // execute replies are in: wait for the final renderings (the assertions below still say what went wrong).
    await page.waitForFunction(() => {
      const outs = [...document.querySelectorAll('.cell')].map((c) => c.querySelector('.output'));
      return outs[2]?.querySelector('[role=progressbar]')?.dataset.state === 'done' &&
        /^loss: 30 points/.test(outs[3]?.querySelector('img')?.alt ?? '');
    }, null, { timeout: 10_000 }).catch(() => {});

    const facts = await page.evaluate(() => {
      const outs = [...document.querySelectorAll('.cell')].map((c) => c.querySelector('.output'));
      const table = outs[0].querySelector('table');
      const svg = outs[1].querySelector('svg');
      const bars = outs[2].querySelectorAll('[role=progressbar]');
      const curve = outs[3].querySelector('img');
      const plot = outs[4].querySelector('svg');
      return {
        errors: [...document.querySelectorAll('.output_error')].map((e) => e.textContent),
        header: table?.parentElement.firstElementChild.textContent,
        cells: table?.querySelectorAll('td').length,
        tinted: table ? [...table.querySelectorAll('td')].filter(
          (td) => getComputedStyle(td).backgroundColor !== 'rgba(0, 0, 0, 0)').length : 0,
        boxes: svg?.querySelectorAll('rect').length,
        edges: svg?.querySelectorAll('path').length,
        labels: svg ? [...svg.querySelectorAll('text[font-weight=bold]')].map((t) => t.textContent) : [],
        bars: bars.length,
        barState: bars[0]?.dataset.state,
        barText: outs[2].textContent,
        outputsInBarCell: outs[2].querySelectorAll('.output_area').length,
        outputsInCurveCell: outs[3].querySelectorAll('.output_area').length,
        curveLoaded: curve ? curve.complete && curve.naturalWidth > 0 : false,
        curveAlt: curve?.alt,
        plotTitle: plot?.textContent.includes('x'),
        plotShapes: plot ? plot.querySelectorAll('path, rect, image').length : 0,
      };
    });
    assert.deepEqual(facts.errors, [], facts.errors.some((e) => /undefined: viz|viz/.test(e))
      ? 'a cell could not use package viz: the runtime must export gotensor/viz to yaegi (runtime/exports) and pre-import it'
      : 'no cell failed');
    assert.match(facts.header ?? '', /x tensor float64 · \(4, 6\) · cpu · 192 B/);
    assert.equal(facts.cells, 24);
    assert.ok(facts.tinted >= 22, `tinted cells: ${facts.tinted}`);
    for (const want of ['Q', 'SubBackward0', 'MulBackward0', 'PowBackward0', 'a', 'b']) {
      assert.ok(facts.labels.includes(want), `graph labels ${facts.labels} lack ${want}`);
    }
    assert.ok(facts.boxes >= 8 && facts.edges >= 7, `graph: ${facts.boxes} boxes, ${facts.edges} edges`);
    assert.equal(facts.outputsInBarCell, 1, 'progress updates replace one output (update_display_data)');
    assert.equal(facts.barState, 'done');
    assert.match(facts.barText, /100%.*40\/40/);
    assert.equal(facts.outputsInCurveCell, 1, 'loss curve updates replace one output');
    assert.ok(facts.curveLoaded, 'loss curve image decodes');
    assert.match(facts.curveAlt ?? '', /^loss: 30 points, first 1\.1, last 0\.15/);
    assert.ok(facts.plotTitle && facts.plotShapes > 24, `heatmap plot: ${facts.plotShapes} shapes`);
    assert.deepEqual(consoleErrors, []);

    await page.screenshot({ path: join(outDir, 'notebook.png'), fullPage: true });
    await page.evaluate(() => window.Jupyter.notebook.save_notebook());
    await page.waitForFunction(() => !window.Jupyter.notebook.dirty, null, { timeout: 10_000 });
    const saved = JSON.parse(readFileSync(join(nbDir, 'viz_demo.ipynb'), 'utf8'));
    const html = [saved.cells[0].outputs[0].data['text/html']].flat().join(''); // nbformat may split lines
    assert.ok(html.includes('<table'), 'saved notebook keeps the tensor table');
    copyFileSync(join(nbDir, 'viz_demo.ipynb'), join(outDir, 'viz_demo.executed.ipynb'));
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
    rmSync(scratch, { recursive: true, force: true });
  }
});
