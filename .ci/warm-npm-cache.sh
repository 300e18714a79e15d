#!/usr/bin/env bash
# The package tests (test/package/) install the packed runner with npm, as a
# user would, but inside the suite's network namespace, which reaches nothing
# past its own loopback: npm must find every package document and tarball
# those installs need in its cache (--prefer-offline). `npm ci` alone does not
# leave them there: after `npm ci` into an empty cache, installing the tarball
# without a network stops at the first package document it asks for
# (@aws-sdk/client-ec2), and the plugin scaffold resolves its dev dependencies
# afresh, not from runner's lock file. So the same installs run here first,
# with the network: the package in an empty folder, and the scaffold that
# `runner plugins new` makes with the package as a dev dependency.
# Run by `npm test` before it enters the namespace (dist/ is built by then:
# `npm install` or `npm ci` ran prepare). Without a network it says so in one
# line and lets the suite go on: the package tests then pass only if the cache
# already holds what they need, and fail at once, with npm's error, if not.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
quiet=(--prefer-offline --no-audit --no-fund --loglevel=error)

# One chain: inside `if`, bash ignores set -e, so each step must stop the rest.
warm() {
  npm pack --ignore-scripts --silent --pack-destination "$scratch" >/dev/null &&
    mkdir "$scratch/app" &&
    echo '{ "name": "app", "private": true }' >"$scratch/app/package.json" &&
    (cd "$scratch/app" && npm install "${quiet[@]}" "$scratch"/*.tgz >/dev/null) &&
    node dist/core/cli/bin.mjs plugins new runner-plugin-warm --dir "$scratch/demo" >/dev/null &&
    (cd "$scratch/demo" && npm install "${quiet[@]}" --save-dev "$scratch"/*.tgz >/dev/null)
}

if (warm); then
  echo "warm-npm-cache: npm's cache holds what the package tests install"
else
  echo "warm-npm-cache: could not fill npm's cache (no network?); the package tests need it" >&2
fi
