import { expect, type Page } from "@playwright/test";
import { test, demoAppid, hydrated, login, LOGINS } from "./helpers";

// 星辰咖啡's (i % 4 == 0), released (i % 5 == 0 or 1), authorized, used by no other spec.
const APP = demoAppid(40);
const TARGETS = [demoAppid(20), demoAppid(36), demoAppid(56)];
const PREFIX = "https://qr.example.com/shop/";

test("a merchant adds a rule, fixes a bad debug link, downloads the verify file, publishes and matches a link", async ({ page }) => {
  await login(page, "merchant");
  await page.goto(`/apps/${APP}`);
  await hydrated(page);
  await page.getByTestId("home-qrcode-link").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APP}/qrcode-rules$`));
  await hydrated(page);
  await expect(page.getByTestId("qr-list-size")).toHaveText("0");
  await expect(page.getByTestId("qr-quota")).toHaveText("20");
  await expect(page.getByTestId("qr-open")).toHaveText("未开启");

  await page.getByTestId("qr-add").click();
  await page.getByTestId("qr-f-prefix").fill("qr.example.com/shop/");
  await expect(page.getByTestId("qr-error-prefix")).toContainText("85066");
  await page.getByTestId("qr-f-prefix").fill(PREFIX);
  await expect(page.getByTestId("qr-error-prefix")).toHaveCount(0);
  await page.getByTestId("qr-f-path").selectOption({ index: 1 });
  const path = await page.getByTestId("qr-f-path").inputValue();
  await page.getByTestId("qr-f-open-version").selectOption("3");
  // A debug link outside the prefix: 85068 at that link, as one types.
  await page.getByTestId("qr-f-debug-add").click();
  await page.getByTestId("qr-f-debug-0").fill("https://qr.example.com/other?a=1");
  await expect(page.getByTestId("qr-error-debug_url-0")).toContainText("85068");
  await expect(page.getByTestId("qr-error-debug_url-0")).toContainText("测试链接不是子链接");
  // Saving is refused in the browser; nothing reached WeChat.
  await page.getByTestId("qr-f-save").click();
  await expect(page.getByTestId("qr-form")).toBeVisible();
  await expect(page.getByTestId("qr-empty")).toBeVisible();
  // Fix it, and add a second link (the second thing a person does).
  await page.getByTestId("qr-f-debug-0").fill(`${PREFIX}1?a=1`);
  await expect(page.getByTestId("qr-error-debug_url-0")).toHaveCount(0);
  await page.getByTestId("qr-f-debug-add").click();
  await page.getByTestId("qr-f-debug-1").fill(`${PREFIX}2`);
  await page.getByTestId("qr-f-save").click();
  await expect(page.getByTestId("qr-notice")).toHaveText("已保存。");
  const row = page.locator(`[data-testid="qr-rule"][data-prefix="${PREFIX}"]`);
  await expect(row.getByTestId("qr-rule-state")).toHaveText("未发布");
  await expect(row.getByTestId("qr-rule-debug")).toHaveCount(2);
  await expect(row.getByTestId("qr-rule-path")).toHaveText(path);
  await expect(page.getByTestId("qr-list-size")).toHaveText("1");
  // The same prefix again is refused at the field (85071).
  await page.getByTestId("qr-add").click();
  await page.getByTestId("qr-f-prefix").fill(PREFIX);
  await expect(page.getByTestId("qr-error-prefix")).toContainText("85071");
  await page.getByTestId("qr-f-cancel").click();

  // Publishing before the verify file is served: WeChat's 85069 with its meaning.
  await row.getByTestId("qr-rule-publish").click();
  await expect(page.getByTestId("qr-confirm-publish")).toContainText("20");
  await page.getByTestId("qr-confirm-publish-yes").click();
  await expect(page.getByTestId("qr-error")).toContainText("85069");
  await expect(page.getByTestId("qr-quota")).toHaveText("20");

  // The verify file downloads with WeChat's exact name.
  const download = page.waitForEvent("download");
  await page.getByTestId("qr-verify-download").click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^[0-9a-f]{10}\.txt$/);
  await page.getByTestId("qr-rule-qr").first().locator("summary").click();
  await expect(page.getByTestId("qr-verify-dir").first()).toHaveText(PREFIX);
  await expect(page.locator(".qr-grid svg").first()).toBeVisible();

  // Publish: the quota drops, the switch turns on.
  await row.getByTestId("qr-rule-publish").click();
  await page.getByTestId("qr-confirm-publish-yes").click();
  await expect(page.getByTestId("qr-notice")).toHaveText("已发布。");
  await expect(row.getByTestId("qr-rule-state")).toHaveText("已发布");
  await expect(page.getByTestId("qr-quota")).toHaveText("19");
  await expect(page.getByTestId("qr-open")).toHaveText("已开启");

  // Which rule opens this link?
  await page.getByTestId("qr-match-url").fill(`${PREFIX}item/7?from=poster`);
  await expect(page.getByTestId("qr-match-result")).toHaveAttribute("data-prefix", PREFIX);
  await expect(page.getByTestId("qr-match-path")).toHaveText(path);
  await page.getByTestId("qr-match-url").fill("https://elsewhere.example.com/");
  await expect(page.getByTestId("qr-match-result")).toHaveAttribute("data-prefix", "");

  // The fleet view filters by the state just created; the merchant sees its own rule there.
  await page.getByTestId("nav-qrcode-rules").click();
  await expect(page).toHaveURL(/\/qrcode-rules$/);
  await hydrated(page);
  await page.getByTestId("qrf-published").selectOption("1");
  await page.getByTestId("qrf-apply").click();
  await expect(page).toHaveURL(/published=1/);
  await expect(page.locator(`[data-testid="qrf-row"][data-appid="${APP}"]`)).toHaveCount(1);
  for (const state of await page.getByTestId("qrf-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-state")))) {
    expect(state).toBe("2");
  }

  // Delete, with confirmation.
  await page.goto(`/apps/${APP}/qrcode-rules`);
  await hydrated(page);
  await row.getByTestId("qr-rule-delete").click();
  await expect(page.getByTestId("qr-confirm-delete")).toContainText(PREFIX);
  await page.getByTestId("qr-confirm-delete-yes").click();
  await expect(page.getByTestId("qr-empty")).toBeVisible();
  await expect(page.getByTestId("qr-list-size")).toHaveText("0");
});

/** Clicks "find" and waits for the search's answer. */
async function findTargets(page: Page) {
  const answered = page.waitForResponse((r) => r.url().includes("/api/qrcode_rules/targets") && r.ok());
  await page.getByTestId("qra-find").click();
  await answered;
}

test("an operator applies one rule to three mini programs from the fleet page, and a re-run skips them", async ({ page }) => {
  await login(page, "operator");
  await page.goto("/qrcode-rules");
  await hydrated(page);
  await page.getByTestId("qra-prefix").fill("https://many.example.com/{appid}/");
  await page.getByTestId("qra-path").fill("pages/index/index");
  await page.getByTestId("qra-debug").fill("https://many.example.com/{appid}/?from=test");
  await page.getByTestId("qra-search").fill("星辰咖啡");
  await findTargets(page);
  await expect(page.getByTestId("qra-target").first()).toBeVisible();
  for (const appid of TARGETS) {
    const target = page.locator(`[data-testid="qra-target"][data-appid="${appid}"]`);
    await expect(target.getByTestId("qra-preview")).toHaveText(`https://many.example.com/${appid}/`);
    await target.getByTestId("qra-target-check").check();
  }
  await page.getByTestId("qra-run").click();
  await expect(page.getByTestId("qra-progress")).toHaveText("已处理 3 / 3");
  // A retry finds the first attempt's rules in place.
  const firstOutcome = test.info().retry ? /^(added|already)$/ : "added";
  for (const appid of TARGETS) {
    const target = page.locator(`[data-testid="qra-target"][data-appid="${appid}"]`);
    await expect(target.getByTestId("qra-outcome")).toHaveAttribute("data-outcome", firstOutcome);
  }
  // The table below shows them (it reloads after the run); filter by the host.
  await page.getByTestId("qrf-host").fill("many.example.com");
  await page.getByTestId("qrf-apply").click();
  await expect(page).toHaveURL(/host=many\.example\.com/);
  await expect(page.getByTestId("qrf-row")).toHaveCount(3);

  // Again: nothing is added twice.
  await hydrated(page);
  await page.getByTestId("qra-prefix").fill("https://many.example.com/{appid}/");
  await page.getByTestId("qra-path").fill("pages/index/index");
  await page.getByTestId("qra-search").fill("星辰咖啡");
  // The first run's list stays on screen until the search answers, and the answer clears
  // the ticks: tick only the new list.
  await findTargets(page);
  for (const appid of TARGETS) {
    await page.locator(`[data-testid="qra-target"][data-appid="${appid}"]`).getByTestId("qra-target-check").check();
  }
  await page.getByTestId("qra-run").click();
  await expect(page.getByTestId("qra-progress")).toHaveText("已处理 3 / 3");
  await expect(page.locator('[data-testid="qra-outcome"][data-outcome="already"]')).toHaveCount(3);
  await page.reload();
  await expect(page.getByTestId("qrf-row")).toHaveCount(3);

  // A template variable that does not exist is shown in the preview before anything runs.
  await hydrated(page);
  await page.getByTestId("qra-prefix").fill("https://many.example.com/{nope}/");
  await page.getByTestId("qra-find").click();
  await expect(page.getByTestId("qra-preview").first()).toContainText("{nope}");

  // CSV with the same filter.
  const csv = await page.request.get("/qrcode-rules/export.csv?host=many.example.com");
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split("\n");
  expect(lines.length).toBe(4);
});

test("another merchant cannot open the rules of a mini program that is not its own", async ({ page }) => {
  await login(page, "merchant2");
  const page404 = await page.goto(`/apps/${APP}/qrcode-rules`);
  expect(page404?.status()).toBe(404);
  await expect(page.getByTestId("page-error")).toBeVisible();
  await expect(page.getByTestId("qr-status")).toHaveCount(0);
  const res = await page.request.get(`/apps/${APP}/qrcode-rules/verify-file`);
  expect(res.status()).toBe(404);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the rules page, the home card and the fleet table render on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.operator });
    const app = TARGETS[0];
    await page.goto(`/apps/${app}/qrcode-rules`);
    await expect(page.getByTestId("qr-status")).toBeVisible();
    await expect(page.getByTestId("qr-quota")).toHaveText(/^\d+$/);
    await expect(page.getByTestId("qr-verify-download")).toHaveAttribute("href", `/apps/${app}/qrcode-rules/verify-file`);
    await expect(page.locator(`[data-testid="qr-rule"][data-prefix="https://many.example.com/${app}/"]`)).toBeVisible();
    await page.goto(`/apps/${app}`);
    await expect(page.getByTestId("home-qrcode-count")).toHaveText("1");
    // Filters are a plain form: they work without JavaScript.
    await page.goto("/qrcode-rules");
    await page.getByTestId("qrf-host").fill("many.example.com");
    await page.getByTestId("qrf-apply").click();
    await expect(page).toHaveURL(/host=many\.example\.com/);
    await expect(page.getByTestId("qrf-row")).toHaveCount(3);
  });
});
