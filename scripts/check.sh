#!/usr/bin/env bash
# `npm run check`: static checks over the whole tree, without building the site. Runs every check even when an
# earlier one fails, so one run shows every problem, then exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export ASTRO_TELEMETRY_DISABLED=1

failed=()
run() {
	local name=$1
	shift
	echo "--- $name: $*"
	if "$@"; then
		echo "--- $name: ok"
	else
		echo "--- $name: FAILED"
		failed+=("$name")
	fi
}

# `astro check` first: it also syncs, writing the .astro/types.d.ts that tsc needs for astro:content.
run astro-check npx --no-install astro check
# Site, scripts, tests and runbooks (checkJs, strict): covers the .ts/.mjs files astro check does not.
run tsc npx --no-install tsc --noEmit -p .
# Every shell block on a page names a runbook step whose command is the runbook's own (no build needed).
run runbook-links node --import tsx scripts/check-runbook-links.ts
run prettier npx --no-install prettier --check --log-level warn .
run eslint npx --no-install eslint --max-warnings 0 .

if ((${#failed[@]})); then
	echo "check: failed: ${failed[*]}" >&2
	exit 1
fi
echo "check: all passed"
