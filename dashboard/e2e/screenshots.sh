#!/usr/bin/env bash
# Regenerates the dashboard screenshots in docs/ from the browser tests: the page at full size (200 runs x 20
# series x 500 checkpoints, Kafka unreachable), the comparison of two runs, and the page over the real pipeline
# (embedded broker, registry and Kafka Streams job, a planted hop). Needs what the browser tests need
# (Chromium, node, `npm ci` here). Usage, from anywhere: dashboard/e2e/screenshots.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
rm -rf dashboard/target/screenshots
mvn -B -q -pl dashboard -am test -Dtest='DashboardPageTest,DashboardEndToEndTest' -Dsurefire.failIfNoSpecifiedTests=false
shots=dashboard/target/screenshots
for f in dashboard-live.png dashboard-overview.png dashboard-levels.png dashboard-compare.png; do
  [ -s "$shots/$f" ] || { echo "screenshots: $shots/$f missing (was the browser test skipped?)" >&2; exit 1; }
done
cp "$shots/dashboard-live.png" docs/dashboard.png
cp "$shots/dashboard-overview.png" "$shots/dashboard-levels.png" "$shots/dashboard-compare.png" docs/
echo "screenshots: docs/dashboard.png docs/dashboard-overview.png docs/dashboard-levels.png docs/dashboard-compare.png"
