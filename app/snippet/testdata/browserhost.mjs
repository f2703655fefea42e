// browserhost shows the snippet browser in a headless Chromium as an MCP
// client that renders MCP Apps would, clicks a snippet, and reports what
// the view showed.
//
// The host page runs MCP Apps' own host bridge (AppBridge from the pinned
// @modelcontextprotocol/ext-apps, bundled here with the pinned esbuild);
// the view is the resource the Go test read from the server, put in a
// sandboxed iframe (allow-scripts only: an opaque origin, as hosts frame
// views). The bridge's tools/call goes to the Go test's proxy, which calls
// the real server. Everything comes from the environment:
//
//   CHROMIUM    the browser to run; unset, the pinned @sparticuz/chromium
//               on Linux x64 (see browser below), else a Chromium or
//               Chrome on PATH
//   VIEW        a file holding the view's HTML
//   RESULT      a file holding the listsnippets result the host renders
//   PROXY       the Go test's URL for tools/call (POST, JSON in and out)
//   OPEN        the snippet to click
//   SCREENSHOT  where to write a PNG of the page
//
// It prints one JSON object: {browser, listed, title, content, calls,
// blocked}, blocked being the URLs the page tried to fetch.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const env = name => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const view = readFileSync(env("VIEW"), "utf8");
const result = JSON.parse(readFileSync(env("RESULT"), "utf8"));
const proxy = env("PROXY"), open = env("OPEN");

// browser finds the Chromium to run, and the environment it needs. The
// test tools pin @sparticuz/chromium, a headless Chromium for Linux x64
// delivered by npm (brotli-compressed in the package: no download from a
// browser CDN, no system package, no library of the system's but the C
// library's). Its executablePath() unpacks it into
// os.tmpdir() and reuses whatever is there after; here it unpacks into a
// folder of its own, named by version beside the package, renamed into
// place whole so that a concurrent run never sees half of it. Its fonts
// come with it (Open Sans): fontconfig finds them after the system's
// configuration, if there is one, through a fonts.conf of its own.
async function browser() {
  if (process.env.CHROMIUM) return { path: process.env.CHROMIUM, env: {} };
  if (process.platform === "linux" && process.arch === "x64") {
    const pkgDir = dirname(dirname(fileURLToPath(import.meta.resolve("@sparticuz/chromium"))));
    const { version } = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    const dir = join(dirname(dirname(pkgDir)), ".cache", "sparticuz-chromium-" + version);
    if (!existsSync(join(dir, "chromium"))) {
      mkdirSync(dirname(dir), { recursive: true });
      const tmp = mkdtempSync(dir + "-unpacking-");
      const was = process.env.TMPDIR;
      try {
        process.env.TMPDIR = tmp; // where executablePath() unpacks
        const { default: sparticuz } = await import("@sparticuz/chromium");
        await sparticuz.executablePath();
        // The NSS and expat libraries it loads, which it unpacks only on
        // Amazon Linux: with them it needs nothing but the C library.
        const { inflate } = await import(pathToFileURL(join(pkgDir, "build", "lambdafs.js")).href);
        await inflate(join(pkgDir, "bin", "al2023.tar.br"));
        writeFileSync(join(tmp, "fonts.conf"), `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>${dir}/fonts</dir><cachedir>${dir}/fonts-cache</cachedir></fontconfig>\n`);
        renameSync(tmp, dir);
      } catch (err) {
        if (!existsSync(join(dir, "chromium"))) throw err; // else another run was first
      } finally {
        if (was === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = was;
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    return { path: join(dir, "chromium"), env: { FONTCONFIG_FILE: join(dir, "fonts.conf"), LD_LIBRARY_PATH: join(dir, "al2023", "lib") } };
  }
  const names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome.exe", "msedge.exe"];
  for (const d of (process.env.PATH || "").split(delimiter)) {
    for (const n of names) if (d && existsSync(join(d, n))) return { path: join(d, n), env: {} };
  }
  const installed = [
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    join(process.env.PROGRAMFILES || "C:\\Program Files", "Google", "Chrome", "Application", "chrome.exe"),
    join(process.env["PROGRAMFILES(X86)"] || "C:\\Program Files (x86)", "Microsoft", "Edge", "Application", "msedge.exe"),
  ];
  for (const p of installed) if (existsSync(p)) return { path: p, env: {} };
  throw new Error("no browser: on Linux x64 npm ci installs one (@sparticuz/chromium); elsewhere install Chromium or Chrome, or set CHROMIUM to one");
}
const chrome = await browser();

const bundle = await build({
  stdin: {
    contents: `export { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";`,
    resolveDir: import.meta.dirname,
  },
  bundle: true, format: "iife", globalName: "MCPApps", write: false, logLevel: "silent",
});
const bridge = bundle.outputFiles[0].text;

// The host: the view framed, then the bridge connected to it before its
// script runs, handing it the tool's result once it has initialized.
const host = `<!doctype html><html><head><style>
  body { margin: 0; background: #eef1f5; font: 13px system-ui; }
  header { padding: 8px 14px; color: #445; }
  iframe { display: block; width: 720px; height: 320px; margin: 0 14px 14px; border: 1px solid #c5ccd6; border-radius: 8px; background: #fff; }
</style><script>${bridge.replaceAll("</script", "<\\/script")}</script></head><body>
<header>listsnippets · ui://snippets/browser</header>
<script>
  const frame = document.createElement("iframe");
  frame.setAttribute("sandbox", "allow-scripts");
  frame.srcdoc = ${JSON.stringify(view).replaceAll("</", "<\\/")};
  document.body.append(frame);
  const bridge = new MCPApps.AppBridge(null, { name: "browser test host", version: "1.0.0" }, { serverTools: {} });
  bridge.oncalltool = params => window.hostCallTool(params);
  bridge.oninitialized = () => {
    bridge.sendToolInput({ arguments: {} });
    bridge.sendToolResult(${JSON.stringify(result)});
  };
  bridge.connect(new MCPApps.PostMessageTransport(frame.contentWindow, frame.contentWindow));
</script></body></html>`;

const session = await chromium.launch({
  executablePath: chrome.path,
  env: { ...process.env, ...chrome.env },
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic"],
  timeout: 30_000,
});
try {
  const page = await session.newPage({ viewport: { width: 750, height: 370 } });
  page.setDefaultTimeout(20_000);
  // The view may reach nothing but the host: a request fails, and is
  // reported.
  const blocked = [];
  await page.route("**/*", route => {
    blocked.push(route.request().url());
    return route.abort();
  });
  const calls = [];
  await page.exposeFunction("hostCallTool", async params => {
    calls.push(params);
    const res = await fetch(proxy, { method: "POST", body: JSON.stringify(params), signal: AbortSignal.timeout(15_000) });
    if (!res.ok) throw new Error(`proxy: ${res.status} ${await res.text()}`);
    return res.json();
  });
  await page.setContent(host);
  const frame = page.frames().find(f => f !== page.mainFrame());
  await frame.waitForSelector("#list button");
  const listed = await frame.$$eval("#list button", bs => bs.map(b => b.dataset.name));
  await frame.click(`#list button[data-name="${open}"]`);
  await frame.waitForFunction(name => document.getElementById("title").textContent === name &&
    document.getElementById("content").textContent !== "Loading…", open);
  const title = await frame.textContent("#title");
  const content = await frame.textContent("#content");
  await page.screenshot({ path: env("SCREENSHOT") });
  process.stdout.write(JSON.stringify({ browser: chrome.path, listed, title, content, calls, blocked }) + "\n");
} finally {
  await session.close();
}
