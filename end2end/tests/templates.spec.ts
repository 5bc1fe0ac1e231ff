import { expect, Page } from "@playwright/test";
import { test, demoAppid, hydrated, login, LOGINS } from "./helpers";

// Unassigned, authorized, last audit rejected (i % 5 == 2): no other spec touches it.
const APP = demoAppid(27);

async function uploadDraft(page: Page, version: string): Promise<number> {
  const res = await page.request.post("/api/widgets/simulator", { data: {} });
  expect(res.status()).toBe(200);
  const sim = (await res.json()) as string;
  const upload = await page.request.post(`${sim}/code/draft`, {
    data: { user_version: version, user_desc: `e2e 草稿 ${version}`, pages: ["pages/index/index", "pages/e2e/e2e"] },
  });
  expect(upload.status()).toBe(200);
  return (await upload.json()).draft_id as number;
}

async function addToLibrary(page: Page, draft: number): Promise<string> {
  const row = page.locator(`[data-testid="tpl-draft"][data-draft="${draft}"]`);
  await row.getByTestId("tpl-draft-add").click();
  await expect(page.getByTestId("tpl-confirm-add")).toBeVisible();
  await page.getByTestId("tpl-confirm-add-yes").click();
  await expect(page.getByTestId("tpl-notice")).toHaveText("已添加到模板库。");
  await expect(row.getByTestId("tpl-draft-templates")).toBeVisible();
  return (await row.getByTestId("tpl-draft-templates").textContent())!.split("#")[1].trim();
}

test("a draft uploaded from the IDE is added to the library, committed to a mini program, and its usage rises", async ({ page }) => {
  await login(page, "operator");
  const draft = await uploadDraft(page, "7.0.0");
  await page.getByTestId("nav-templates").click();
  await expect(page).toHaveURL(/\/templates$/);
  await hydrated(page);
  const before = await page.getByTestId("tpl-meter").getAttribute("value");
  const id = await addToLibrary(page, draft);
  await expect(page.getByTestId("tpl-meter")).toHaveAttribute("value", String(Number(before) + 1));
  const row = page.locator(`[data-testid="tpl-template"][data-template="${id}"]`);
  await expect(row).toContainText("7.0.0");
  await expect(row.getByTestId("tpl-committed")).toHaveText("0");

  // The commit form's picker offers it; commit it to a mini program.
  await page.goto(`/apps/${APP}/release`);
  await hydrated(page);
  await page.getByTestId("commit-template").selectOption(id);
  await page.getByTestId("commit-version").fill("7.0.0");
  await page.getByTestId("commit-desc").fill("e2e 来自模板库");
  await page.getByTestId("commit-submit").click();
  await expect(page.getByTestId("dev-version")).toHaveText("7.0.0");

  // Usage rises; the link opens the fleet view filtered to the template.
  await page.goto("/templates");
  await hydrated(page);
  await expect(row.getByTestId("tpl-committed")).toHaveText("1");
  await row.getByTestId("tpl-open-fleet").click();
  await expect(page).toHaveURL(new RegExp(`/releases\\?template=${id}$`));
  await expect(page.locator(`[data-appid="${APP}"]`).first()).toBeVisible();

  // Compare: what the mini program's app.json would change moving from template 1 to it.
  await page.goto("/templates");
  await hydrated(page);
  await page.getByTestId("tpl-compare-from").selectOption("1");
  await page.getByTestId("tpl-compare-to").selectOption(id);
  await page.getByTestId("tpl-compare-appid").fill(APP);
  await page.getByTestId("tpl-compare-run").click();
  await expect(page).toHaveURL(new RegExp(`from=1&to=${id}&appid=${APP}`));
  await expect(page.getByTestId("tpl-diff")).toBeVisible();
  await expect(page.getByTestId("tpl-diff-removed")).toHaveCount(1);
  await expect(page.getByTestId("tpl-diff-added")).toContainText("e2e 草稿 7.0.0");

  // A template nothing uses is deleted after a confirmation that says how many run it.
  const unused = await uploadDraft(page, "7.0.1");
  await page.goto("/templates");
  await hydrated(page);
  const unusedId = await addToLibrary(page, unused);
  const unusedRow = page.locator(`[data-testid="tpl-template"][data-template="${unusedId}"]`);
  await unusedRow.getByTestId("tpl-delete").click();
  await expect(page.getByTestId("tpl-confirm-delete")).toContainText("0 个小程序");
  await page.getByTestId("tpl-confirm-delete-yes").click();
  await expect(page.getByTestId("tpl-notice")).toHaveText("模板已删除。");
  await expect(unusedRow).toHaveCount(0);

  // Filter by type: no standard templates.
  await page.getByTestId("tpl-filter-type").selectOption("1");
  await page.getByTestId("tpl-filter-apply").click();
  await expect(page).toHaveURL(/type=1/);
  await expect(page.getByTestId("tpl-empty")).toBeVisible();
});

test("merchants never see the platform's library", async ({ page }) => {
  await login(page, "merchant");
  await expect(page.getByTestId("nav-templates")).toHaveCount(0);
  const res = await page.goto("/templates");
  expect(res?.status()).toBe(403);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the library renders on the server with usage, the meter and the chart", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.admin });
    await page.goto("/templates");
    await expect(page.getByTestId("tpl-drafts")).toBeVisible();
    await expect(page.locator('[data-testid="tpl-template"][data-template="1"]')).toBeVisible();
    await expect(page.getByTestId("tpl-meter-text")).toContainText("/ 200");
    const online = Number(await page.locator('[data-testid="tpl-template"][data-template="1"]').getByTestId("tpl-online").textContent());
    expect(online).toBeGreaterThan(0);
    await expect(page.locator('[data-testid="tpl-chart-bar"][data-template="1"]')).toHaveAttribute("data-count", String(online));
  });
});
