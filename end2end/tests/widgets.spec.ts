import { expect, Page } from "@playwright/test";
import { test, hydrated, login, LOGINS } from "./helpers";

// Demo mini program 4 belongs to the merchant "merchant" (星辰咖啡), 1 to "merchant2".
const OWN = "wx4cc4890a7128c89a";
const OTHERS = "wx67bf1ae7f3c85cd9";

async function simBase(page: Page): Promise<string> {
  const res = await page.request.post("/api/widgets/simulator", { data: {} });
  expect(res.status()).toBe(200);
  const base = (await res.json()) as string;
  expect(base).toMatch(/\/__sim$/);
  return base;
}

async function review(page: Page, sim: string, outcome: "approve" | "reject") {
  const res = await page.request.post(`${sim}/widget/review`, { data: { appid: OWN, outcome } });
  expect(res.status()).toBe(200);
}

async function openEditor(page: Page) {
  await page.goto(`/apps/${OWN}/widget`);
  await hydrated(page);
}

test("build a 4-cell widget with icons, reorder, submit, review, offline, modify, delete", async ({ page }) => {
  await login(page, "admin");
  const sim = await simBase(page);
  await openEditor(page);
  await expect(page.getByTestId("wg-status")).toHaveText("草稿");

  await page.getByTestId("wg-keyword").fill("咖啡点单");
  await page.getByTestId("wg-category-add").click();
  await page.getByTestId("wg-category-0").selectOption({ index: 1 });
  await page.getByTestId("wg-area-search").fill("北京");
  await page.getByTestId("wg-area-result").first().click();
  await expect(page.getByTestId("wg-area-chip")).toHaveCount(1);
  // Provinces are also found by their English name; the way back leads to the widget list.
  await page.getByTestId("wg-area-search").fill("Guangdong");
  await expect(page.getByTestId("wg-area-result").first()).toContainText("广东");
  await page.getByTestId("wg-area-search").fill("");
  await expect(page.getByTestId("wg-back")).toHaveAttribute("href", "/widgets");

  await page.getByTestId("wg-layout-4").check();
  await page.getByTestId("wg-icons").check();
  await expect(page.getByTestId("wg-cell")).toHaveCount(4);
  for (let i = 0; i < 4; i++) {
    await page.getByTestId(`wg-title-${i}`).fill(`功能${i}`);
    await page.getByTestId(`wg-desc-${i}`).fill(`描述${i}`);
    await page.getByTestId(`wg-icon-${i}`).fill(`https://img.example.com/${i}.png`);
    await page.getByTestId(`wg-jump-${i}`).fill(`pages/index/index?slot=${i}`);
  }
  // Icons show through the console (the CSP allows images from 'self' only): an icon on
  // another origin (localhost is not 127.0.0.1) loads through /media/icon.
  const origin = new URL(page.url()).origin.replace("127.0.0.1", "localhost");
  await page.getByTestId("wg-icon-0").fill(`${origin}/icon-192.png`);
  const icon = page.getByTestId("wg-preview-icon").first();
  await expect(icon).toHaveAttribute("src", /^\/media\/icon\?url=http%3A%2F%2Flocalhost/);
  await expect
    .poll(() => icon.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
    .toBeGreaterThan(0);
  const notImage = await page.request.get(`/media/icon?url=${encodeURIComponent(`${origin}/robots.txt`)}`);
  expect(notImage.status()).toBe(415);
  await page.getByTestId("wg-icon-0").fill("https://img.example.com/0.png");

  // Validation at the field as you type: a duplicate path.
  await page.getByTestId("wg-jump-3").fill("/pages/index/index?slot=0");
  await expect(page.getByTestId("wg-error-items-3-jumpUrl")).toBeVisible();
  await expect(page.getByTestId("wg-submit")).toBeDisabled();
  await page.getByTestId("wg-jump-3").fill("pages/index/index?slot=3");
  await expect(page.getByTestId("wg-error-items-3-jumpUrl")).toHaveCount(0);

  // Reorder with the keyboard path: cell 1 moves right of cell 2.
  await page.getByTestId("wg-right-0").click();
  const titles = page.getByTestId("wg-preview-title");
  await expect(titles).toHaveText(["功能1", "功能0", "功能2", "功能3"]);
  await expect(page.getByTestId("wg-preview").locator("img")).toHaveCount(4);
  // The brand falls back to the mini program's name.
  await expect(page.getByTestId("wg-preview-brand")).not.toHaveText("");

  await expect(page.getByTestId("wg-submit")).toBeEnabled();
  await page.getByTestId("wg-submit").click();
  await expect(page.getByTestId("wg-status")).toHaveText("审核中");
  await expect(page.getByTestId("wg-offline")).toBeDisabled();
  await expect(page.getByTestId("wg-delete")).toBeDisabled();
  await expect(page.getByTestId("wg-submit")).toBeDisabled();
  await expect(page.getByTestId("wg-blocked")).toContainText("9008995");
  await expect(page.getByTestId("wg-history-row")).toHaveCount(1);

  // WeChat's reviewer approves; a reload reads the access check.
  await review(page, sim, "approve");
  await openEditor(page);
  await expect(page.getByTestId("wg-status")).toHaveText("已上线");
  await expect(page.getByTestId("wg-preview-title")).toHaveText(["功能1", "功能0", "功能2", "功能3"]);

  await page.getByTestId("wg-offline").click();
  await expect(page.getByTestId("wg-status")).toHaveText("已下线");

  // Modify: switch to 2 cells, choosing which to keep.
  await page.getByTestId("wg-layout-2").check();
  await expect(page.getByTestId("wg-keep")).toBeVisible();
  await page.getByTestId("wg-keep-0").uncheck();
  await page.getByTestId("wg-keep-1").uncheck();
  await page.getByTestId("wg-keep-2").check();
  await page.getByTestId("wg-keep-3").check();
  await page.getByTestId("wg-keep-confirm").click();
  await expect(page.getByTestId("wg-preview-title")).toHaveText(["功能2", "功能3"]);
  await page.getByTestId("wg-submit").click();
  await expect(page.getByTestId("wg-status")).toHaveText("审核中");
  await review(page, sim, "approve");
  await openEditor(page);
  await expect(page.getByTestId("wg-status")).toHaveText("已上线");
  await expect(page.getByTestId("wg-history-row")).toHaveCount(2);

  // Delete asks first.
  await page.getByTestId("wg-delete").click();
  await expect(page.getByTestId("wg-delete-dialog")).toBeVisible();
  await page.getByTestId("wg-delete-confirm").click();
  await expect(page.getByTestId("wg-status")).toHaveText("草稿");
  await expect(page.getByTestId("wg-delete")).toBeDisabled();
});

test("a merchant only reaches its own mini programs' widgets", async ({ page }) => {
  await login(page, "merchant");
  const own = await page.request.post("/api/widgets/get", { data: { appid: OWN } });
  expect(own.status()).toBe(200);
  const other = await page.request.post("/api/widgets/get", { data: { appid: OTHERS } });
  expect(other.status()).toBe(404);
  const submit = await page.request.post("/api/widgets/delete", { data: { appid: OTHERS } });
  expect(submit.status()).toBe(404);
  const sim = await page.request.post("/api/widgets/simulator", { data: {} });
  expect(sim.status()).toBe(403);
  await page.goto(`/apps/${OTHERS}/widget`);
  await expect(page.getByTestId("wg-error")).toBeVisible();
  await page.goto("/widgets");
  await expect(page.getByRole("heading", { name: "功能直达" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the widget editor, the list and the detail page's widget line render on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.operator });
    await page.goto(`/apps/${OWN}/widget`);
    await expect(page.getByTestId("wg-status")).toBeVisible();
    await expect(page.getByTestId("wg-keyword")).toBeVisible();
    await expect(page.getByTestId("wg-preview")).toBeVisible();
    expect(await page.getByTestId("wg-cell").count()).toBeGreaterThanOrEqual(2);

    await page.goto(`/apps/${OWN}`);
    await expect(page.getByTestId("detail-widget-status")).toBeVisible();
    await expect(page.getByTestId("detail-widget-link")).toHaveAttribute("href", `/apps/${OWN}/widget`);

    // The status filter is a plain GET form.
    await page.goto("/widgets");
    await page.getByTestId("wg-filter-status").selectOption("online");
    await page.getByTestId("wg-filter-apply").click();
    await expect(page).toHaveURL(/status=online/);
    await expect(page.getByTestId("wg-filters")).toBeVisible();
  });
});
