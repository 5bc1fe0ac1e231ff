import { expect, Page } from "@playwright/test";
import { test, demoAppid, hydrated, login, LOGINS } from "./helpers";

// 星辰咖啡's, code committed (i % 5 == 3), authorized, used by no other spec.
const APP = demoAppid(48);

async function formId(page: Page, openid: string): Promise<string> {
  const res = await page.request.post("/api/widgets/simulator", { data: {} });
  const sim = (await res.json()) as string;
  const issued = await page.request.post(`${sim}/template/form-id`, { data: { appid: APP, openid } });
  expect(issued.status()).toBe(200);
  return (await issued.json()).form_id as string;
}

test("compose a template from the library, send a test with a bad page, fix it and send, delete", async ({ page }) => {
  await login(page, "operator");
  await page.goto(`/apps/${APP}`);
  await hydrated(page);
  await page.getByTestId("home-message-templates-link").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APP}/message-templates$`));
  await hydrated(page);

  // The library, then a title's keywords.
  await expect(page.getByTestId("mt-title")).toHaveCount(20);
  await page.locator('[data-testid="mt-title"][data-id="AT0002"]').getByTestId("mt-title-choose").click();
  await expect(page.getByTestId("mt-compose")).toContainText("购买成功通知");
  const boxes = page.getByTestId("mt-keyword");
  expect(await boxes.count()).toBeGreaterThanOrEqual(3);
  for (let i = 0; i < 3; i++) await boxes.nth(i).check();
  const names = await page.getByTestId("mt-chosen-item").allTextContents();
  // Move the last keyword to the top; the preview follows the order.
  await page.getByTestId("mt-chosen-up").nth(2).click();
  await page.getByTestId("mt-chosen-up").nth(1).click();
  const first = (await page.getByTestId("mt-chosen-item").first().textContent())!;
  expect(first).toContain(names[2].split(" ")[0]);
  await expect(page.getByTestId("mt-preview-line")).toHaveCount(3);
  await expect(page.getByTestId("mt-preview-line").first()).toContainText(names[2].split(" ")[0]);
  await page.getByTestId("mt-add").click();
  await expect(page.getByTestId("mt-added")).toBeVisible();
  const row = page.getByTestId("mt-template").last();
  await expect(row).toContainText("购买成功通知");

  // A test send: a page the code does not have is refused at the field (41030).
  await row.getByTestId("mt-send-open").click();
  await page.getByTestId("mt-f-touser").fill("oE2EUser");
  await page.getByTestId("mt-f-page").fill("pages/nope/nope");
  const fid = await formId(page, "oE2EUser");
  await page.getByTestId("mt-f-form-id").fill(fid);
  await page.getByTestId("mt-f-value-0").fill("拿铁");
  await page.getByTestId("mt-f-value-1").fill("星辰咖啡");
  await page.getByTestId("mt-f-value-2").fill("2026年12月1日");
  await page.getByTestId("mt-f-color-0").fill("red");
  await page.getByTestId("mt-f-send").click();
  await expect(page.getByTestId("mt-error-page")).toContainText("41030");
  await expect(page.getByTestId("mt-error-color-0")).toBeVisible();
  await page.getByTestId("mt-f-page").fill("pages/index/index?from=e2e");
  await page.getByTestId("mt-f-color-0").fill("#173177");
  await expect(page.getByTestId("mt-error-page")).toHaveCount(0);
  await page.getByTestId("mt-f-emphasis").selectOption("0");
  await page.getByTestId("mt-f-send").click();
  await expect(page.getByTestId("mt-notice")).toHaveText("已发送。");
  // The same form id again: WeChat's 41029 at the form_id field.
  await page.getByTestId("mt-f-send").click();
  await expect(page.getByTestId("mt-error-form_id")).toContainText("41029");

  // Delete with confirmation.
  const count = await page.getByTestId("mt-template").count();
  await page.getByTestId("mt-template").last().getByTestId("mt-delete").click();
  await page.getByTestId("mt-confirm-delete-yes").click();
  // The list is read again from WeChat: the template is gone.
  await expect(page.getByTestId("mt-template")).toHaveCount(count - 1);
});

test("another merchant cannot open the message templates of a mini program that is not its own", async ({ page }) => {
  await login(page, "merchant2");
  const res = await page.goto(`/apps/${APP}/message-templates`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("mt-account")).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the library pages and searches by links and forms; the account's templates render", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.operator });
    await page.goto(`/apps/${APP}/message-templates`);
    await expect(page.getByTestId("mt-account")).toBeVisible();
    await expect(page.getByTestId("mt-title")).toHaveCount(20);
    await page.getByTestId("mt-lib-next").click();
    await expect(page).toHaveURL(/lib=20/);
    await expect(page.getByTestId("mt-title")).toHaveCount(10);
    await page.getByTestId("mt-search").fill("通知");
    await page.getByTestId("mt-search-run").click();
    await expect(page).toHaveURL(/q=/);
    await expect(page.getByTestId("mt-search-found")).toBeVisible();
    expect(await page.getByTestId("mt-title").count()).toBeGreaterThan(0);
  });
});
