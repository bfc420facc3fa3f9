#!/usr/bin/env bash
# `npm run check`: static checks over the whole tree, without building the site. Runs every check even when an
# earlier one fails, so one run shows every problem, then exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export ASTRO_TELEMETRY_DISABLED=1

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# Runs one check, its output kept for the summary; its name goes into $logs/failed when it fails.
run() {
	local name=$1
	shift
	{
		echo "--- $name: $*"
		if "$@"; then
			echo "--- $name: ok"
		else
			echo "--- $name: FAILED"
			echo "$name" >>"$logs/failed"
		fi
	} >"$logs/$name.log" 2>&1
}

# Two chains side by side, each check single-threaded (two cores do them in about half the time). `astro check`
# comes first in its chain: it also syncs, writing the .astro/types.d.ts that tsc needs for astro:content, and
# nothing else writes there meanwhile.
{
	run astro-check npx --no-install astro check
	# Site, scripts, tests and runbooks (checkJs, strict): covers the .ts/.mjs files astro check does not.
	run tsc npx --no-install tsc --noEmit -p .
} &
types=$!
{
	# Every shell block on a page names a runbook step whose command is the runbook's own (no build needed).
	run runbook-links node --import tsx scripts/check-runbook-links.ts
	run prettier npx --no-install prettier --check --log-level warn .
	run eslint npx --no-install eslint --max-warnings 0 .
} &
style=$!
wait "$types" "$style"

for name in astro-check tsc runbook-links prettier eslint; do
	cat "$logs/$name.log"
done
if [ -s "$logs/failed" ]; then
	echo "check: failed: $(tr '\n' ' ' <"$logs/failed")" >&2
	exit 1
fi
echo "check: all passed"
