import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { cancelJob, registerSubmitter, submitJob } from './volunteer-fixtures';

/*
 * Every page, as a visitor first sees it, at a desktop width (1280) and a phone width (390): no
 * console error, no uncaught exception, no failed request, no sideways scroll, and no serious or
 * critical axe violation.
 */

function watch(page: Page) {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    // Navigations away abort what a page still had in flight; those are not failures of the page.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') {
      problems.push(`failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

for (const width of [1280, 390]) {
  test(`every page at ${width} px: no console error, exception, failed request, sideways scroll or serious axe violation`, async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    const submitter = await registerSubmitter(request);
    const job = await submitJob(request, submitter, {
      kernel: 'mandelbrot',
      params: { width: 32, height: 32, centerX: -0.5, centerY: 0, scale: 3, maxIter: 32, tileSize: 16 },
    });
    try {
      await page.setViewportSize({ width, height: width > 800 ? 900 : 844 });
      const problems = watch(page);
      for (const path of [
        '/',
        '/jobs',
        '/jobs/new',
        `/jobs/${job.jobId}`,
        '/leaderboard',
        '/rewards',
        '/lab',
        '/embed?site=pages.example',
      ]) {
        // Not 'networkidle': a job page keeps its event stream open.
        await page.goto(path);
        // Let effects that load after hydration (config, credit, activity) land.
        await page.waitForTimeout(1500);
        const scroll = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
        }));
        expect(scroll.scrollWidth, `${path} at ${width}: sideways scroll`).toBeLessThanOrEqual(
          scroll.clientWidth,
        );
        const results = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
          .analyze();
        const serious = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        expect(serious, `${path} at ${width}: axe`).toEqual([]);
        expect(problems, `${path} at ${width}`).toEqual([]);
      }
      // The header stays one row on a phone: every link on the same line as the brand.
      await page.goto('/jobs');
      const tops = await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link')
        .evaluateAll((links) => links.map((l) => Math.round(l.getBoundingClientRect().top)));
      expect(new Set(tops).size, 'nav links on one row').toBe(1);
    } finally {
      await cancelJob(request, submitter, job.jobId);
    }
  });
}
