// Plays the browser build in headless Chromium (software WebGL2 through SwiftShader):
// waits for the title screen, starts a dive through the menus, saves a screenshot, and
// fails on a page error, a Rust panic, a console error, or a blank picture.
//
// Usage: node tests/web/smoke.mjs URL SCREENSHOT.png
// Needs playwright-core (npm) and Debian's chromium; scripts/web-test.sh sets both up.
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { inflateSync } from "node:zlib";

// playwright-core lives with the web tools, not in this repository.
const require = createRequire(process.env.WEB_TOOLS ? `${process.env.WEB_TOOLS}/` : import.meta.url);
const { chromium } = require("playwright-core");

const [url, shot] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const problems = [];
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

const browser = await chromium.launch({
  executablePath,
  args: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist",
         "--no-sandbox"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    const text = m.text();
    if (m.type() === "error" && !text.includes("Using exceptions for control flow")) {
      problems.push(`console error: ${text}`);
    }
    if (process.env.VERBOSE) console.log(`[${m.type()}] ${text}`);
  });
  await page.goto(url);
  const frames = () => page.evaluate(() => Number(document.body.dataset.frames || 0));
  const failed = () => page.evaluate(() => Boolean(window.sleepSyncFailed));
  async function waitFor(what, test, limit) {
    const until = Date.now() + limit * 1000;
    while (Date.now() < until) {
      if (await failed()) throw new Error(`the page reports a failure while waiting for ${what}`);
      if (problems.length) throw new Error(problems.join("\n"));
      if (await test()) return;
      await page.waitForTimeout(250);
    }
    throw new Error(`no ${what} after ${limit} s`);
  }
  await waitFor("first frame", async () => (await frames()) > 0, 300);
  console.log(`first game frame ${seconds()} s after the page began loading`);
  // The title screen (levels loaded): a few more frames, then New game → Dive (Leo).
  const at = await frames();
  await waitFor("title screen", async () => (await frames()) > at + 10, 120);
  await page.mouse.click(640, 315); // New game
  await waitFor("control room", async () => (await frames()) > at + 20, 60);
  await page.mouse.click(812, 251); // Dive, on Leo's row
  const dived = await frames();
  // The dream forms on the main thread in the browser: give it frames and time.
  await waitFor("the dream", async () => (await frames()) > dived + 40, 300);
  await page.waitForTimeout(1000);
  const png = await page.screenshot();
  writeFileSync(shot, png);
  if (problems.length) throw new Error(problems.join("\n"));
  const { mean, variance } = stats(png);
  console.log(`screenshot ${shot}: mean luminance ${mean.toFixed(1)}, variance ${variance.toFixed(0)} (${seconds()} s)`);
  if (variance < 50) throw new Error(`the picture is blank (variance ${variance.toFixed(1)})`);
} catch (e) {
  console.error(`web smoke test failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}

// Luminance statistics of an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes).
function stats(png) {
  let pos = 8, width = 0, height = 0, channels = 4;
  const idat = [];
  while (pos < png.length) {
    const length = png.readUInt32BE(pos);
    const type = png.toString("ascii", pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(data);
    pos += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? pixels[y * stride + x - channels] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const corner = y > 0 && x >= channels ? pixels[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += left;
      else if (filter === 2) v += up;
      else if (filter === 3) v += (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - corner;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - corner)];
        v += pa <= pb && pa <= pc ? left : pb <= pc ? up : corner;
      }
      pixels[y * stride + x] = v & 255;
    }
  }
  let sum = 0, sq = 0;
  const n = width * height;
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    const l = 0.2126 * pixels[o] + 0.7152 * pixels[o + 1] + 0.0722 * pixels[o + 2];
    sum += l;
    sq += l * l;
  }
  const mean = sum / n;
  return { mean, variance: sq / n - mean * mean };
}
