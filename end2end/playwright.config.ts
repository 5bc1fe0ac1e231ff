import { defineConfig } from "@playwright/test";

// Debian's Chromium; nothing downloads a browser (see shared/toolchain.md).
export default defineConfig({
  testDir: "./tests",
  workers: 1,
  // One retry: the suite runs beside two cargo test suites on 2 cores, and a scenario that
  // passes on its retry is reported as flaky (scripts/test.sh prints the count) for a look.
  retries: 1,
  // Scenarios that take 10 s alone take three times that beside two cargo suites on 2 cores.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: "list",
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
