import { test as base, expect, Page } from "@playwright/test";

/**
 * Playwright's `test`, failing any test whose page threw in the browser: a hydration mismatch
 * panics the wasm and leaves a page that looks right but no longer answers clicks.
 */
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" && /panicked|hydration/i.test(m.text())) errors.push(m.text());
    });
    await use(page);
    expect(errors, "errors thrown in the browser").toEqual([]);
  },
});

export const LOGINS = {
  admin: { username: "admin", password: "admin-demo-2026" },
  operator: { username: "operator", password: "operator-demo-2026" },
  merchant: { username: "merchant", password: "merchant-demo-2026" },
  merchant2: { username: "merchant2", password: "merchant2-demo-2026" },
} as const;

export type Who = keyof typeof LOGINS;

/** Waits until the wasm has loaded and hydrated the page. */
export async function hydrated(page: Page) {
  await page.waitForLoadState("networkidle");
}

/** Signs in through the login form, as a person would. */
export async function login(page: Page, who: Who, next?: string) {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
  await hydrated(page);
  await page.getByTestId("login-username").fill(LOGINS[who].username);
  await page.getByTestId("login-password").fill(LOGINS[who].password);
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("current-user")).toBeVisible();
  await hydrated(page);
}

/** services::demo::demo_appid: the demo's AppIDs are a fixed function of their index. */
export function demoAppid(i: number): string {
  const mask = (1n << 64n) - 1n;
  const mixed = ((BigInt(i + 1) * 0x9e3779b97f4a7c15n) & mask) ^ 0x5bd1e9950d5ca4f3n;
  return "wx" + mixed.toString(16).padStart(16, "0");
}
