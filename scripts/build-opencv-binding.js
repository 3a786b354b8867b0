#!/usr/bin/env node
// Builds @u4/opencv4nodejs against Debian's system OpenCV (libopencv-dev).
// The package's own install script would clone and compile OpenCV from GitHub, which
// cannot work here, so package.json blocks it (allowScripts) and this runs instead.
// Idempotent: skips when the addon is built; reuses a per-machine cache of the compiled
// addon keyed by binding version, OpenCV version and Node ABI (a fresh clone then takes
// seconds instead of minutes). FACE_STREAM_NO_BUILD_CACHE=1 disables the cache.
const { copyFileSync, existsSync, mkdirSync, readFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const pkgDir = join(__dirname, '..', 'node_modules', '@u4', 'opencv4nodejs');
const addon = join(pkgDir, 'build', 'Release', 'opencv4nodejs.node');

if (!existsSync(pkgDir)) process.exit(0); // not installed (e.g. production prune)
if (existsSync(addon)) {
  console.log('[opencv] binding already built');
  process.exit(0);
}

let opencvVersion;
try {
  opencvVersion = execFileSync('pkg-config', ['--modversion', 'opencv4'], { encoding: 'utf8' }).trim();
} catch {
  console.error('[opencv] system OpenCV not found: install it with `apt-get install -y libopencv-dev` (npm run setup does)');
  process.exit(1);
}
const bindingVersion = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const cacheRoot = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
const cached = join(cacheRoot, 'face-stream', `opencv4nodejs-${bindingVersion}-opencv${opencvVersion}-abi${process.versions.modules}.node`);
const useCache = process.env.FACE_STREAM_NO_BUILD_CACHE !== '1';

if (useCache && existsSync(cached)) {
  mkdirSync(dirname(addon), { recursive: true });
  copyFileSync(cached, addon);
  console.log(`[opencv] binding restored from ${cached}`);
  process.exit(0);
}

// npm tells lifecycle scripts where its bundled node-gyp is; outside npm, look beside npm.
const nodeGyp =
  process.env.npm_config_node_gyp ||
  require.resolve('node-gyp/bin/node-gyp.js', { paths: [join(process.execPath, '..', '..', 'lib', 'node_modules', 'npm')] });
console.log(`[opencv] building the binding against system OpenCV ${opencvVersion} (a few minutes on 2 cores)...`);
const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--jobs=max', '--nodedir=/usr'], {
  cwd: pkgDir,
  stdio: 'inherit',
  env: { ...process.env, OPENCV4NODEJS_DISABLE_AUTOBUILD: '1' },
});
if (result.status !== 0 || !existsSync(addon)) {
  console.error('[opencv] build failed: is libopencv-dev installed? (apt-get install -y libopencv-dev)');
  process.exit(1);
}
if (useCache) {
  try {
    mkdirSync(dirname(cached), { recursive: true });
    copyFileSync(addon, cached);
  } catch (err) {
    console.warn(`[opencv] could not cache the build: ${err.message}`);
  }
}
console.log('[opencv] binding built');
