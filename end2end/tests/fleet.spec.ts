import { expect } from "@playwright/test";
import { test, hydrated, login, LOGINS } from "./helpers";

// The demo submits audits through the simulator: some are rejected at once, some pass, some stay
// in review and finish later. Their results reach the console by push (or polling) and show up
// in the fleet view and as notifications.

test("the fleet view filters by state, shows the chart and exports CSV", async ({ page }) => {
  await login(page, "admin");
  await page.getByTestId("nav-releases").click();
  await expect(page).toHaveURL(/\/releases$/);
  await hydrated(page);
  const chart = page.getByTestId("fleet-chart");
  await expect(chart).toBeVisible();
  await expect(chart.getByTestId("fleet-chart-bar")).toHaveCount(6);
  const rejectedBar = chart.locator('[data-testid="fleet-chart-bar"][data-state="rejected"]');
  const rejected = Number(await rejectedBar.getAttribute("data-count"));
  expect(rejected).toBeGreaterThan(0);

  await page.getByTestId("fleet-state").selectOption("rejected");
  await page.getByTestId("fleet-apply").click();
  await expect(page).toHaveURL(/state=rejected/);
  // The page read again shows the filter it was filtered by.
  await expect(page.getByTestId("fleet-state")).toHaveValue("rejected");
  // No nameless field from the submit button (URLs used to end in `&=`).
  expect(page.url()).not.toMatch(/[?&]=/);
  const rows = page.getByTestId("fleet-row");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBe(Math.min(rejected, 20));
  for (const state of await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-state")))) {
    expect(state).toBe("rejected");
  }
  await expect(rows.first().getByTestId("fleet-rejection")).not.toBeEmpty();

  // The export carries the same filter.
  await expect(page.getByTestId("fleet-export")).toHaveAttribute("href", /export\.csv\?state=rejected/);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("fleet-export").click(),
  ]);
  const path = await download.path();
  const fs = await import("node:fs");
  const bytes = fs.readFileSync(path!);
  expect(bytes.subarray(0, 3).toString("hex")).toBe("efbbbf");
  const lines = bytes.toString("utf8").slice(1).split("\r\n").filter((l) => l.length > 0);
  expect(lines[0]).toContain("AppID");
  expect(lines.length).toBe(rejected + 1);
  for (const line of lines.slice(1)) expect(line).toContain(",rejected,");
});

test("the bell counts a merchant's audit notifications and the list marks them read", async ({ page }) => {
  await login(page, "merchant");
  const bell = page.getByTestId("bell");
  await expect(bell).toBeVisible();
  // The demo's rejected audits of this merchant notified it.
  await expect(page.getByTestId("bell-count")).toBeVisible({ timeout: 30_000 });
  await bell.click();
  await expect(page).toHaveURL(/\/notifications$/);
  await hydrated(page);
  const items = page.getByTestId("notification");
  await expect(items.first()).toBeVisible();
  const rejected = page.locator('[data-testid="notification"][data-kind="audit_rejected"]').first();
  await expect(rejected.getByTestId("notification-link")).toHaveAttribute("href", /^\/apps\/wx[0-9a-f]{16}\/release$/);
  await expect(rejected.getByTestId("notification-text")).toContainText("驳回");
  // Filter by kind and by mini program (the form keeps the URL clean).
  await page.getByTestId("notifications-kind").selectOption("audit_rejected");
  await page.getByTestId("notifications-apply").click();
  await expect(page).toHaveURL(/kind=audit_rejected/);
  await expect(page.getByTestId("notifications-kind")).toHaveValue("audit_rejected");
  expect(page.url()).not.toMatch(/[?&]=/);
  await expect(page.getByTestId("notification").first()).toBeVisible();
  for (const kind of await page.getByTestId("notification").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")))) {
    expect(kind).toBe("audit_rejected");
  }
  const appHref = (await page.getByTestId("notification-filter-app").first().getAttribute("href"))!;
  const appid = appHref.split("appid=")[1];
  await page.getByTestId("notification-filter-app").first().click();
  await expect(page).toHaveURL(new RegExp(`appid=${appid}`));
  await expect(page.getByTestId("notification").first()).toBeVisible();
  for (const href of await page.getByTestId("notification-filter-app").evaluateAll((els) => els.map((e) => e.getAttribute("href")))) {
    expect(href).toContain(appid);
  }
  await page.goto("/notifications");
  await hydrated(page);
  // The list and "mark all read" are islands: the page loads the islands bundle (issue 16).
  await expect(page.locator('leptos-island[data-component^="NotificationList_"]')).toHaveCount(1);
  await expect(page.locator('leptos-island[data-component^="MarkAllRead_"]')).toHaveCount(1);

  // The bell is an SVG icon (no emoji), and it counts down as soon as one is marked read.
  await expect(bell.locator("svg")).toHaveCount(1);
  expect(await bell.textContent()).not.toContain("🔔");
  const before = Number(await bell.getAttribute("data-unread"));
  expect(before).toBeGreaterThan(0);
  // Audits the simulator approves meanwhile add notifications, so the bell is compared with
  // the count the page asked the server for after the click, not with `before - 1`.
  const recount = page.waitForResponse((r) => r.url().includes("/api/notifications/unread") && r.ok());
  await page.locator('[data-testid="notification"][data-read="false"]').first().getByTestId("notification-mark-read").click();
  const after = Number(await (await recount).json());
  expect(after).toBeLessThanOrEqual(before);
  await expect.poll(async () => Number(await page.getByTestId("bell").getAttribute("data-unread"))).toBe(after);

  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.getByTestId("notifications-read-all").click();
  await expect(page.locator('[data-testid="notification"][data-read="false"]')).toHaveCount(0);
  // No navigation, no reload (the window is the same one): the bell follows.
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  await expect(page.getByTestId("bell")).toHaveAttribute("data-unread", "0");
  await expect(page.getByTestId("bell-count")).toHaveCount(0);
  // Another page shows what the server counts. Audits that tests running beside this one
  // finish meanwhile may notify again, so the bell is compared with the server's count
  // (reloading until both were read after the same notification), not with 0.
  await page.getByTestId("nav-releases").click();
  await expect(page).toHaveURL(/\/releases/);
  await expect
    .poll(async () => {
      const shown = Number(await page.getByTestId("bell").getAttribute("data-unread"));
      const counted = Number(await (await page.request.post("/api/notifications/unread", { data: {} })).json());
      if (shown !== counted) await page.reload();
      return shown === counted;
    })
    .toBe(true);
});

test("two quick marks read: the list keeps the later reading when the earlier one arrives last", async ({ page }) => {
  // admin: no other test marks admin's notifications read one by one.
  await login(page, "admin");
  await page.goto("/notifications");
  await hydrated(page);
  const unread = page.locator('[data-testid="notification"][data-read="false"]');
  await expect(unread.nth(1)).toBeVisible();
  const ids = await unread.evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute("data-id")!));
  const item = (id: string) => page.locator(`[data-testid="notification"][data-id="${id}"]`);

  // The list's first reading (after the first mark) is held back until the second reading,
  // which already has both marked, has been shown.
  let readings = 0;
  let firstAsked!: () => void;
  const firstReadingAsked = new Promise<void>((r) => (firstAsked = r));
  let secondShown!: () => void;
  const secondReadingShown = new Promise<void>((r) => (secondShown = r));
  let firstDelivered!: () => void;
  const firstReadingDelivered = new Promise<void>((r) => (firstDelivered = r));
  await page.route("**/api/notifications/list", async (route) => {
    readings += 1;
    const response = await route.fetch();
    if (readings === 1) {
      firstAsked();
      await secondReadingShown;
      await route.fulfill({ response });
      firstDelivered();
    } else {
      await route.fulfill({ response });
    }
  });

  await item(ids[0]).getByTestId("notification-mark-read").click();
  await firstReadingAsked;
  await item(ids[1]).getByTestId("notification-mark-read").click();
  await expect(item(ids[0])).toHaveAttribute("data-read", "true");
  await expect(item(ids[1])).toHaveAttribute("data-read", "true");
  secondShown();
  await firstReadingDelivered;
  // The held-back answer (the second still unread) has landed; the list must not go back to it.
  await page.waitForTimeout(500);
  await expect(item(ids[0])).toHaveAttribute("data-read", "true");
  await expect(item(ids[1])).toHaveAttribute("data-read", "true");
  await expect(item(ids[1]).getByTestId("notification-mark-read")).toHaveCount(0);
});

test("every page has an icon: /favicon.ico and the SVG linked from the head", async ({ page }) => {
  await login(page, "operator");
  const ico = await page.request.get("/favicon.ico");
  expect(ico.status()).toBe(200);
  expect(ico.headers()["content-type"]).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
  const link = page.locator('link[rel="icon"][type="image/svg+xml"]');
  await expect(link).toHaveCount(1);
  const svg = await page.request.get((await link.getAttribute("href"))!);
  expect(svg.status()).toBe(200);
  expect(svg.headers()["content-type"]).toContain("image/svg+xml");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the fleet view and notifications render on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.admin });
    await page.goto("/releases?state=rejected");
    await expect(page.getByTestId("fleet-chart")).toBeVisible();
    await expect(page.getByTestId("fleet-row").first()).toHaveAttribute("data-state", "rejected");
    await expect(page.getByTestId("bell")).toBeVisible();
    await page.goto("/notifications");
    await expect(page.getByTestId("notification").first()).toBeVisible();
  });
});
