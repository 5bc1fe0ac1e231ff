import { expect } from "@playwright/test";
import { test, demoAppid, hydrated, login, LOGINS } from "./helpers";

// 云途出行's (i % 4 == 2), a personal subject (i % 10 == 8: 10 testers at most), authorized,
// used by no other spec.
const APP = demoAppid(38);
// 星辰咖啡's own personal mini program (the merchant only reads its testers here).
const OWN = demoAppid(48);

test("an operator binds two testers, meets WeChat's 85001 at the field, and unbinds one", async ({ page }) => {
  await login(page, "operator");
  await page.goto(`/apps/${APP}`);
  await hydrated(page);
  await page.getByTestId("home-testers-link").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APP}/testers$`));
  await hydrated(page);
  await expect(page.getByTestId("tester-count")).toHaveText("0 / 10");
  await expect(page.getByTestId("testers-empty")).toBeVisible();

  // The console's own check as one types: no spaces in a WeChat ID.
  await page.getByTestId("tester-f-wechatid").fill("zhang wei");
  await expect(page.getByTestId("tester-error-wechatid")).toContainText("空格");
  // Someone WeChat does not know: its 85001, with the meaning, at the field.
  await page.getByTestId("tester-f-wechatid").fill("nobody_here_404");
  await expect(page.getByTestId("tester-error-wechatid")).toHaveCount(0);
  await page.getByTestId("tester-bind").click();
  await expect(page.getByTestId("tester-error-wechatid")).toContainText("85001");
  await expect(page.getByTestId("tester-error-wechatid")).toContainText("微信号不存在或微信号设置为不可搜索");
  await expect(page.getByTestId("tester-count")).toHaveText("0 / 10");

  // Two testers; the count rises with each.
  await page.getByTestId("tester-f-wechatid").fill("zhang_wei");
  await page.getByTestId("tester-bind").click();
  await expect(page.getByTestId("tester-notice")).toHaveText("已绑定。");
  await expect(page.getByTestId("tester-count")).toHaveText("1 / 10");
  await expect(page.getByTestId("tester-f-wechatid")).toHaveValue("");
  await page.getByTestId("tester-f-wechatid").fill("li_na_88");
  await page.getByTestId("tester-bind").click();
  await expect(page.getByTestId("tester-count")).toHaveText("2 / 10");
  await expect(page.getByTestId("tester")).toHaveCount(2);
  await expect(page.getByTestId("tester-wechatid")).toHaveText(["zhang_wei", "li_na_88"]);
  await expect(page.getByTestId("tester-bound-by").first()).toHaveText("operator");
  // The same ID again: the console knows it is bound (85004) before anything is sent.
  await page.getByTestId("tester-f-wechatid").fill("zhang_wei");
  await expect(page.getByTestId("tester-error-wechatid")).toContainText("85004");
  await page.getByTestId("tester-f-wechatid").fill("");

  // Unbind one, confirmed in the page (cancel first: nothing happens).
  const row = page.locator('[data-testid="tester"][data-wechatid="zhang_wei"]');
  await row.getByTestId("tester-unbind").click();
  await expect(page.getByTestId("tester-confirm-unbind")).toContainText("zhang_wei");
  await page.getByTestId("tester-confirm-cancel").click();
  await expect(page.getByTestId("tester-confirm-unbind")).toHaveCount(0);
  await expect(page.getByTestId("tester")).toHaveCount(2);
  await row.getByTestId("tester-unbind").click();
  await page.getByTestId("tester-confirm-unbind-yes").click();
  await expect(page.getByTestId("tester-notice")).toHaveText("已解除绑定。");
  await expect(page.getByTestId("tester")).toHaveCount(1);
  await expect(page.getByTestId("tester-count")).toHaveText("1 / 10");
  await expect(page.getByTestId("tester-wechatid")).toHaveText("li_na_88");

  // The release page's experience QR code says who can scan it and links here.
  await page.goto(`/apps/${APP}/release`);
  await hydrated(page);
  await expect(page.getByTestId("qrcode-who-can-scan")).toBeVisible();
  await page.getByTestId("qrcode-testers-link").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APP}/testers$`));
  await expect(page.getByTestId("tester-count")).toHaveText("1 / 10");
});

test("a merchant reaches its own mini program's testers and no one else's", async ({ page }) => {
  await login(page, "merchant");
  await page.goto(`/apps/${OWN}/testers`);
  await hydrated(page);
  await expect(page.getByTestId("tester-count")).toHaveText(/^\d+ \/ 10$/);
  await expect(page.getByTestId("tester-bind")).toBeEnabled();

  const res = await page.goto(`/apps/${APP}/testers`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("page-error")).toBeVisible();
  await expect(page.getByTestId("tester-status")).toHaveCount(0);
  const direct = await page.request.post("/api/testers/bind", { data: { appid: APP, wechatid: "zhao_min" } });
  expect(direct.status()).toBe(404);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the testers page and its link render on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.operator });
    await page.goto(`/apps/${APP}/testers`);
    await expect(page.getByTestId("tester-status")).toBeVisible();
    await expect(page.getByTestId("tester-count")).toHaveText(/^\d+ \/ 10$/);
    await expect(page.locator('[data-testid="tester"][data-wechatid="li_na_88"]')).toBeVisible();
    await expect(page.getByTestId("tester-bind-form")).toBeVisible();
    await page.goto(`/apps/${APP}`);
    await expect(page.getByTestId("home-testers-link")).toHaveAttribute("href", `/apps/${APP}/testers`);
  });
});
