#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (Debian's etcd and Chromium, the npm
# packages), checks types and style, builds the site, then runs every test with Node's runner.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The real kubectl runs every Kubernetes test against the stand-in's API server.
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ -f scripts/check.sh ]; then
  bash scripts/check.sh
fi

npx astro build

# The longest files start first, so that none of them is left running alone at the end of the run.
slowest_first=(
  test/quality/a11y.test.ts
  test/search/queries.test.ts
  test/recordings/reproduce.test.ts
  test/etcd-runbooks/multi-crash.test.ts
  test/search/header.test.ts
  test/runbook-links/standalone.test.ts
)
mapfile -t others < <(find test -name '*.test.ts' -not -path '*/fixtures/*' -not -path 'test/.tmp/*' | sort |
  grep -vxF -f <(printf '%s\n' "${slowest_first[@]}"))
test_files=()
for file in "${slowest_first[@]}"; do
  [ -f "$file" ] && test_files+=("$file")
done
test_files+=("${others[@]}")

# The kubectl matrix (test/support/kubectl.ts): every etcd scenario runs with the newest versioned kubectl of
# the machine, and test/kubectl-oldest/ runs each of them again with the oldest, in the same runner. Each test
# process prints the kubectl it used. Without versioned binaries (Debian's kubernetes-client) there is one
# kubectl, so the second pass would repeat the first and is left out.
kubectl_dir=$(dirname "$(readlink -f "$(command -v kubectl)")")
mapfile -t versioned < <(find "$kubectl_dir" -maxdepth 1 -name 'kubectl.[0-9]*.[0-9]*' -printf '%f\n' | sort -t. -k2,2n -k3,3n)
if ((${#versioned[@]} > 1)); then
  echo "kubectl matrix: ${versioned[-1]#kubectl.} (newest) and ${versioned[0]#kubectl.} (oldest), from $kubectl_dir"
else
  echo "kubectl matrix: one kubectl, $(kubectl version --client 2>/dev/null | head -1)"
  mapfile -t test_files < <(printf '%s\n' "${test_files[@]}" | grep -v '^test/kubectl-oldest/')
fi
MILVUS_RESCUE_KUBECTL=newest node --import tsx --test --test-concurrency=3 "${test_files[@]}"
