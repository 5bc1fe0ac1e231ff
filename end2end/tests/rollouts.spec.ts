import { Browser, Page, expect } from "@playwright/test";
import { test, login, hydrated, demoAppid } from "./helpers";

// Five authorized demo mini programs no other spec touches, none with an audit in review:
// 9 and 17 belong to merchant2's brand, 10 and 14 to the third, 28 to `merchant`'s.
const TARGETS = [9, 10, 14, 17, 28].map(demoAppid);
const MERCHANT_TARGET = demoAppid(28);
const REJECTED = demoAppid(14);
const VERSION = "3.0.0";
/** A well-formed AppID the platform does not manage. */
const STRANGER = "wx0123456789abcdef";

/** The simulated reviewers decide the audit in review of `appid` from its release page. */
async function review(page: Page, appid: string, verdict: "sim-approve" | "sim-reject") {
  await page.goto(`/apps/${appid}/release`);
  await hydrated(page);
  await page.getByTestId(verdict).click();
  await expect(page.getByTestId("audit-status")).toHaveAttribute("data-status", verdict === "sim-approve" ? "0" : "1");
}

function row(page: Page, appid: string) {
  return page.locator(`[data-testid="target-row"][data-appid="${appid}"]`);
}

async function statesOf(page: Page, id: string): Promise<Record<string, string>> {
  const res = await page.request.get(`/rollouts/${id}/export.csv`);
  expect(res.status()).toBe(200);
  const lines = (await res.text()).trim().split("\n").slice(1);
  const out: Record<string, string> = {};
  for (const line of lines) {
    const cells = line.split(",");
    out[cells[0]] = cells[3];
  }
  return out;
}

async function noScript(browser: Browser, path: string) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByTestId("login-username").fill("operator");
  await page.getByTestId("login-password").fill("operator-demo-2026");
  await page.getByTestId("login-submit").click();
  await page.goto(path);
  return { context, page };
}

test("plan a rollout to five mini programs, watch it release them, one rejected and retried", async ({ page, browser }) => {
  test.setTimeout(240_000);
  await login(page, "operator");
  await page.goto("/rollouts");
  await hydrated(page);
  await page.getByTestId("rollout-new").click();
  await expect(page).toHaveURL(/\/rollouts\/new$/);
  await hydrated(page);

  // The template's version fills in; this rollout names its own.
  await expect(page.getByTestId("plan-version")).not.toHaveValue("");
  await page.getByTestId("plan-version").fill(VERSION);
  await page.getByTestId("plan-desc").fill("会员日版本");
  await page.getByTestId("plan-mode-appids").check();
  // Five that run, and four that cannot: unauthorized, not the platform's, not an AppID, a repeat.
  const pasted = [...TARGETS, demoAppid(11), STRANGER, "wx123", TARGETS[0]].join("\n");
  await page.getByTestId("plan-appids").fill(pasted);

  // A variable that does not exist is named before anything is asked of the server.
  await page.getByTestId("plan-ext").fill('{"extAppid":"{appid}","ext":{"shop":"{shop}"}}');
  await expect(page.getByTestId("error-ext_json_template")).toContainText("{shop}");
  await page.getByTestId("plan-ext").fill('{"extAppid":"{appid}","ext":{"shop":"{merchant.name}","id":"{merchant.id}"}}');
  await expect(page.getByTestId("error-ext_json_template")).toHaveCount(0);

  // The audit items: a second one added, found lacking, and removed again.
  await page.getByTestId("item-page-0").fill("pages/index/index");
  await page.getByTestId("item-title-0").fill("首页");
  await page.getByTestId("item-tags-0").fill("会员 优惠");
  await page.getByTestId("item-add").click();
  await page.getByTestId("item-tags-1").fill("一 二 三 四 五 六 七 八 九 十 十一");
  await expect(page.getByTestId("error-item_list[1].tag")).toContainText("85006");
  await page.getByTestId("item-remove-1").click();
  await expect(page.getByTestId("item-1")).toHaveCount(0);

  // Limits out of range are refused at the field.
  await page.getByTestId("plan-concurrency").fill("0");
  await expect(page.getByTestId("error-limits.concurrency")).toBeVisible();
  await page.getByTestId("plan-concurrency").fill("4");
  await expect(page.getByTestId("error-limits.concurrency")).toHaveCount(0);
  await page.getByTestId("plan-policy").selectOption("automatic");

  await page.getByTestId("plan-preview").click();
  const summary = page.getByTestId("plan-summary");
  await expect(summary).toHaveAttribute("data-run", "5");
  await expect(summary).toHaveAttribute("data-skipped", "4");
  for (const [appid, reason] of [
    [demoAppid(11), "unauthorized"],
    [STRANGER, "not_registered"],
    ["wx123", "invalid_appid"],
  ]) {
    await expect(page.locator(`[data-testid="skipped-row"][data-appid="${appid}"]`)).toHaveAttribute("data-reason", reason);
  }
  await expect(page.locator('[data-testid="skipped-row"][data-reason="duplicate"]')).toHaveCount(1);
  await expect(page.getByTestId("plan-eta")).not.toHaveAttribute("data-secs", "");
  // Each target's ext.json is filled with its own values; the merged app.json drops the ext keys.
  await page.getByTestId("plan-preview-target").selectOption(MERCHANT_TARGET);
  await expect(page.getByTestId("plan-ext-preview")).toContainText(MERCHANT_TARGET);
  await expect(page.getByTestId("plan-ext-preview")).toContainText("星辰咖啡");
  await expect(page.getByTestId("plan-app-json-preview")).not.toContainText("extAppid");

  // A change after the preview asks for a new one before the start.
  await page.getByTestId("item-title-0").fill("会员首页");
  await expect(page.getByTestId("plan-stale")).toBeVisible();
  await expect(page.getByTestId("plan-start")).toBeDisabled();
  await page.getByTestId("plan-preview").click();
  await expect(page.getByTestId("plan-summary")).toHaveAttribute("data-run", "5");
  await page.getByTestId("plan-start").click();
  await expect(page).toHaveURL(/\/rollouts\/\d+$/);
  const id = page.url().split("/").pop()!;
  await hydrated(page);

  // The worker commits and submits; the page follows without a reload.
  const progress = page.getByTestId("rollout-progress");
  // The skipped are part of the rollout (done from the start): 5 to run, 2 skipped.
  await expect(progress).toHaveAttribute("data-total", "7");
  await expect(page.getByTestId("rollout-count-skipped")).toHaveAttribute("data-count", "2");
  await expect(page.getByTestId("rollout-count-submitted")).toHaveAttribute("data-count", "5", { timeout: 60_000 });

  // The reviewers approve four and reject one.
  for (const appid of TARGETS) {
    await review(page, appid, appid === REJECTED ? "sim-reject" : "sim-approve");
  }
  await page.goto(`/rollouts/${id}`);
  await hydrated(page);
  await expect(progress).toHaveAttribute("data-percent", "100", { timeout: 60_000 });
  await expect(page.getByTestId("rollout-count-released")).toHaveAttribute("data-count", "4");
  await expect(page.getByTestId("rollout-count-rejected")).toHaveAttribute("data-count", "1");
  await expect(row(page, REJECTED)).toHaveAttribute("data-state", "rejected");
  await expect(row(page, REJECTED).getByTestId("target-reason")).toContainText("页面内容为空");

  // Retry the rejected one: it is submitted again, approved and released; the bar follows.
  await row(page, REJECTED).getByTestId("target-retry").click();
  await expect(row(page, REJECTED)).toHaveAttribute("data-state", "submitted", { timeout: 60_000 });
  await review(page, REJECTED, "sim-approve");
  await page.goto(`/rollouts/${id}`);
  await hydrated(page);
  await expect(page.getByTestId("rollout-count-released")).toHaveAttribute("data-count", "5", { timeout: 60_000 });
  await expect(progress).toHaveAttribute("data-percent", "100");

  // The state just reached, as a filter; then one target's timeline of WeChat calls.
  await page.getByTestId("rollout-count-released").click();
  await expect(page).toHaveURL(/state=released/);
  await expect(page.getByTestId("target-row")).toHaveCount(5);
  await page.getByTestId("rollout-count-rejected").click();
  await expect(page.getByTestId("target-row")).toHaveCount(0);
  await page.goto(`/rollouts/${id}?appid=${REJECTED}`);
  const timeline = page.getByTestId("target-timeline");
  await expect(timeline).toBeVisible();
  await expect(timeline).toContainText("/wxa/commit");
  await expect(timeline).toContainText("/wxa/submit_audit");
  await expect(timeline).toContainText("/wxa/release");

  // The CSV has every target with its state.
  const states = await statesOf(page, id);
  expect(Object.keys(states).sort()).toEqual([...TARGETS, demoAppid(11), STRANGER].sort());
  for (const appid of TARGETS) expect(states[appid]).toBe("released");
  expect(states[STRANGER]).toBe("skipped");

  // The fleet view shows the new version online.
  await page.goto(`/releases?version=${VERSION}&state=online`);
  for (const appid of TARGETS) {
    await expect(page.locator(`[data-testid="fleet-row"][data-appid="${appid}"]`)).toHaveCount(1);
  }

  // Without JavaScript the rollout reads the same.
  const plain = await noScript(browser, `/rollouts/${id}`);
  await expect(plain.page.getByTestId("rollout-progress")).toHaveAttribute("data-percent", "100");
  await expect(plain.page.getByTestId("target-row")).toHaveCount(7);
  await plain.page.goto("/rollouts");
  await expect(plain.page.locator(`a[href="/rollouts/${id}"]`).first()).toBeVisible();
  await plain.context.close();

  // A merchant sees the rollout with its own mini program only, and no controls.
  await page.context().clearCookies();
  await login(page, "merchant", `/rollouts/${id}`);
  await expect(page.getByTestId("target-row")).toHaveCount(1);
  await expect(row(page, MERCHANT_TARGET)).toHaveCount(1);
  await expect(page.getByTestId("rollout-retry-all")).toHaveCount(0);
  await expect(page.getByTestId("rollout-cancel")).toHaveCount(0);
  await page.goto("/rollouts");
  await expect(page.getByTestId("rollout-new")).toHaveCount(0);
});

test("a paused rollout sends nothing until resumed, and a cancel keeps what was submitted", async ({ page }) => {
  test.setTimeout(120_000);
  // The fleet view hands its filters to a new rollout.
  await login(page, "operator", "/releases?state=online&version=1.0");
  await hydrated(page);
  await page.getByTestId("fleet-roll-out").click();
  await expect(page).toHaveURL(/\/rollouts\/new\?state=online&version=1\.0$/);
  await hydrated(page);
  await expect(page.getByTestId("plan-fleet-state")).toHaveValue("online");
  await expect(page.getByTestId("plan-fleet-version")).toHaveValue("1.0");
  // The template library's "roll out" opens the plan with that template chosen.
  await page.goto("/templates");
  await hydrated(page);
  const rollOut = page.getByTestId("tpl-roll-out").first();
  const template = (await rollOut.getAttribute("href"))!.split("template_id=")[1];
  await rollOut.click();
  await expect(page).toHaveURL(new RegExp(`/rollouts/new\\?template_id=${template}$`));
  await hydrated(page);
  await expect(page.getByTestId("plan-template")).toHaveValue(template);
  const targets = [demoAppid(32), demoAppid(34)];
  await page.getByTestId("plan-version").fill("3.1.0");
  await page.getByTestId("plan-mode-appids").check();
  await page.getByTestId("plan-appids").fill(targets.join(", "));
  await page.getByTestId("item-page-0").fill("pages/index/index");
  // WeChat wants a title (85011): said at the field before anything is sent.
  await expect(page.getByTestId("error-item_list[0].title")).toContainText("85011");
  await page.getByTestId("item-title-0").fill("首页");
  await page.getByTestId("plan-paused").check();
  await page.getByTestId("plan-preview").click();
  await expect(page.getByTestId("plan-summary")).toHaveAttribute("data-run", "2");
  await page.getByTestId("plan-start").click();
  await expect(page).toHaveURL(/\/rollouts\/\d+$/);
  await hydrated(page);

  await expect(page.getByTestId("rollout-count-pending")).toHaveAttribute("data-count", "2");
  await expect(page.getByTestId("rollout-resume")).toBeVisible();
  // Paused: still nothing committed a moment later.
  await page.waitForTimeout(2500);
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("rollout-count-pending")).toHaveAttribute("data-count", "2");

  await page.getByTestId("rollout-resume").click();
  await expect(page.getByTestId("rollout-count-submitted")).toHaveAttribute("data-count", "2", { timeout: 60_000 });
  page.once("dialog", (d) => d.accept());
  await page.getByTestId("rollout-cancel").click();
  await page.getByTestId("rollout-cancel-confirm").click().catch(() => {});
  // What reached the reviewers stays as it is and is shown so.
  await expect(page.getByTestId("rollout-status")).toHaveAttribute("data-status", "cancelled", { timeout: 30_000 });
  await expect(page.getByTestId("rollout-count-submitted")).toHaveAttribute("data-count", "2");
  await expect(page.getByTestId("rollout-resume")).toHaveCount(0);
});
