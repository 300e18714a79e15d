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
# Run by .ci/run after `npm ci` (which built dist/).
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
quiet=(--prefer-offline --no-audit --no-fund --loglevel=error)

npm pack --ignore-scripts --silent --pack-destination "$scratch" >/dev/null
tarball=$(ls "$scratch"/*.tgz)

mkdir "$scratch/app"
echo '{ "name": "app", "private": true }' >"$scratch/app/package.json"
(cd "$scratch/app" && npm install "${quiet[@]}" "$tarball" >/dev/null)

node dist/core/cli/bin.mjs plugins new runner-plugin-warm --dir "$scratch/demo" >/dev/null
(cd "$scratch/demo" && npm install "${quiet[@]}" --save-dev "$tarball" >/dev/null)
echo "ci: npm cache holds what the package tests install"
