#!/usr/bin/env bash
# The whole test suite: pure unit tests, then the tests on real models, database and
# capture, then end-to-end tests against the built server (run one at a time: they time video).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
npm run typecheck --silent
npx tsc --noEmit -p tsconfig.test.json
npx jest --ci --selectProjects unit
npx jest --ci --maxWorkers=1 --selectProjects integration e2e
