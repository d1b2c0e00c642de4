// The browser half of TheoryLab's browser test (tests/browser_test.py starts JupyterLab, then runs
// this; run it through that script, not on its own).
//
// Headless Chromium (Debian's package; playwright-core only drives it) opens a notebook in the
// running JupyterLab, makes sure the GoNB kernel is the one in use (choosing it if JupyterLab asks),
// runs the notebook's standard first cell, a GoMLX cell and a plotting cell, and checks what the
// page shows: the printed text, an <svg> figure inside the output area, the progress summary, and
// no error output. Screenshots go to $SHOT_DIR. Any failed check throws: exit status 1.
//
// Environment: LAB_URL (http://127.0.0.1:PORT/), LAB_TOKEN, NOTEBOOK (path relative to the server's
// root), CHROMIUM (the browser binary), SHOT_DIR, CELL_TIMEOUT_MS (default 300000).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`lab_test: $${name} is not set`);
  return v;
};
const labURL = env('LAB_URL').replace(/\/?$/, '/');
const token = env('LAB_TOKEN');
const notebook = env('NOTEBOOK');
const executablePath = env('CHROMIUM', '/usr/bin/chromium');
const shotDir = env('SHOT_DIR');
const cellTimeout = Number(env('CELL_TIMEOUT_MS', '300000'));
const shotBase = path.join(shotDir, path.basename(notebook, '.ipynb'));

const t0 = Date.now();
const log = (msg) => console.log(`browser: [${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);

// The cells to run, found by a piece of their source, with what their output must show.
const steps = [
  { name: 'standard first cell', source: "TheoryLab's first cell", text: [/backend: \S+/] },
  { name: 'GoMLX gradient cell', source: 'graph.Gradient(f, x)', text: [/∇f\(x\)\s+=\s+\[-0\.6397\d*/] },
  {
    name: 'plotting cell (eos run + figure)', source: 'eos.MainFigure(res).Display()',
    text: [/first step with S ≥ 2\/η/, /✓ eos \S+: .*in \d/], svg: true, progress: true,
  },
];

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-chromium-'));
let context;
try {
  // A fresh profile every time; the flags keep Chromium from calling out (the test machine's
  // network is closed: without them it stalls on refused connections).
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1800 },
  });
  log(`Chromium ${context.browser()?.version() ?? ''} started (${executablePath})`);
  const page = context.pages()[0] ?? await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));

  const url = `${labURL}lab/tree/${notebook.split('/').map(encodeURIComponent).join('/')}?token=${encodeURIComponent(token)}`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120000 });
  const panel = page.locator('.jp-NotebookPanel').filter({ has: page.locator('.jp-Notebook') }).first();
  await panel.waitFor({ state: 'visible', timeout: 120000 });
  await panel.locator('.jp-Cell').first().waitFor({ timeout: 60000 });
  log(`JupyterLab shows ${notebook}`);

  // The kernel: GoNB. JupyterLab asks with a dialog when it cannot tell which kernel to start.
  const dialog = page.locator('.jp-Dialog');
  const kernelName = panel.locator('.jp-Toolbar-kernelName');
  const deadline = Date.now() + 60000;
  for (;;) {
    if (await dialog.isVisible()) {
      const select = dialog.locator('select');
      if (await select.count()) {
        const options = await select.locator('option').allTextContents();
        const gonb = options.find((o) => /gonb/i.test(o));
        if (!gonb) throw new Error(`the kernel dialog offers no GoNB kernel: ${options.join(', ')}`);
        await select.selectOption({ label: gonb });
      }
      await dialog.locator('button.jp-mod-accept').click();
      log('chose the GoNB kernel in the kernel dialog');
    }
    const name = ((await kernelName.textContent({ timeout: 1000 }).catch(() => '')) || '').trim();
    if (/gonb/i.test(name)) {
      log(`kernel: ${name}`);
      break;
    }
    if (Date.now() > deadline) throw new Error(`the notebook's kernel is ${JSON.stringify(name)}, not GoNB`);
    await page.waitForTimeout(500);
  }

  for (const step of steps) {
    const cell = panel.locator('.jp-CodeCell').filter({ hasText: step.source }).first();
    if (!(await cell.count())) throw new Error(`no code cell containing ${JSON.stringify(step.source)}`);
    await cell.scrollIntoViewIfNeeded();
    // Select the cell (command mode) and run it, as a person would.
    await cell.locator('.jp-InputPrompt').first().click();
    await page.keyboard.press('Shift+Enter');
    const started = Date.now();
    log(`running the ${step.name}`);
    const prompt = cell.locator('.jp-InputPrompt').first();
    const output = cell.locator('.jp-OutputArea');
    let sawProgress = false;
    for (;;) {
      const p = ((await prompt.textContent()) || '').trim();
      if (/^\[\d+\]:$/.test(p)) break; // "[*]:" while running, "[N]:" when done
      if (step.progress && !sawProgress) {
        // pkg/progress's live bar: "<b>eos …</b> <bar> 40% · 800/2000 · 3.1s".
        const bar = output.locator('.jp-OutputArea-output').filter({ hasText: /\d+% · \d+\/\d+/ });
        if (await bar.count()) {
          sawProgress = true;
          log(`progress bar shown: ${((await bar.first().innerText()) || '').replace(/\s+/g, ' ').trim().slice(0, 120)}`);
        }
      }
      if (Date.now() - started > cellTimeout) throw new Error(`the ${step.name} did not finish in ${cellTimeout / 1000} s`);
      await page.waitForTimeout(step.progress ? 100 : 250);
    }
    const text = (await output.innerText()).trim();
    log(`the ${step.name} finished in ${((Date.now() - started) / 1000).toFixed(1)} s; output: ${JSON.stringify(text.slice(0, 160))}`);
    // No error output: GoNB shows a failing cell as stderr text or an error report.
    const stderr = (await output.locator('[data-mime-type="application/vnd.jupyter.stderr"]').allInnerTexts()).join('\n');
    if (/panic:|exit status [1-9]|\berror\b/i.test(stderr)) throw new Error(`the ${step.name} wrote an error: ${stderr.slice(0, 500)}`);
    if (await output.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]').count()) {
      throw new Error(`the ${step.name} shows an error output: ${text.slice(0, 500)}`);
    }
    for (const re of step.text) {
      if (!re.test(text)) throw new Error(`the ${step.name}'s output does not match ${re}: ${JSON.stringify(text.slice(0, 500))}`);
    }
    if (step.svg) {
      const svg = output.locator('.jp-OutputArea-output svg').first();
      await svg.waitFor({ state: 'visible', timeout: 10000 });
      const box = await svg.boundingBox();
      if (!box || box.width < 200 || box.height < 100) throw new Error(`the figure is too small to be a figure: ${JSON.stringify(box)}`);
      const paths = await output.locator('.jp-OutputArea-output svg path, .jp-OutputArea-output svg polyline').count();
      log(`figure: <svg> ${Math.round(box.width)}×${Math.round(box.height)} px with ${paths} paths/polylines`);
      if (paths < 3) throw new Error(`the figure has only ${paths} paths/polylines: no curves drawn`);
      await svg.scrollIntoViewIfNeeded();
      await output.screenshot({ path: `${shotBase}-figure.png` });
    }
    if (step.progress && !sawProgress) {
      // A fast machine may finish between two polls; the summary line must be there regardless.
      log('the live progress bar was not caught between polls (the run was quick); its summary line is checked');
    }
  }

  // The whole window as the artifact: from the GoMLX cell down to the figure.
  await panel.locator('.jp-CodeCell').filter({ hasText: steps[1].source }).first()
    .evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${shotBase}.png` });
  log(`screenshots: ${shotBase}.png, ${shotBase}-figure.png`);
  const serious = pageErrors.filter((e) => !/ResizeObserver/.test(e));
  if (serious.length) log(`note: page errors during the test (not failing it): ${serious.slice(0, 3).join(' | ')}`);
} catch (err) {
  // A screenshot of the failure helps more than the message alone.
  try {
    const page = context?.pages()[0];
    if (page) {
      await page.screenshot({ path: `${shotBase}-failure.png` });
      console.log(`browser: screenshot of the failure: ${shotBase}-failure.png`);
    }
  } catch { /* the browser itself failed */ }
  console.log(`browser: FAILED: ${err?.message ?? err}`);
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
}
