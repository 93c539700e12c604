#!/usr/bin/env bash
# Puts a working Pulumi CLI on PATH for the tests, `npm run local` and the bench:
#
#     export PATH="$(bash scripts/pulumi-engine.sh):$PATH"
#
# It prints one directory on stdout (what to put first on PATH) and says on stderr what it did.
#
# - A `pulumi` already on PATH at a compatible version (3.x, at least the version below) is used as
#   it is, with its own language host and plugins: the script says so and prints its directory.
# - Otherwise the CLI is built with `go build` from the Go module proxy: the wrapper module
#   local/engine/pulumi-cli requires github.com/pulumi/pulumi/pkg/v3 and sdk/v3 at one version and
#   copies the replace directive pkg's own go.mod carries. No prebuilt binary is downloaded. The
#   build is cached per user and version in ${XDG_CACHE_HOME:-~/.cache}/rds-iam/pulumi/<version>/, so
#   only the first run builds (about 6 minutes on 2 cores, plus the module downloads).
# - Beside the CLI, in .tmp/engine/bin of this checkout (the engine finds bundled plugins next to its
#   own executable), come the small plugins Pulumi's distribution ships as scripts:
#   pulumi-resource-pulumi-nodejs (@pulumi/pulumi's cmd/dynamic-provider), pulumi-analyzer-policy
#   (cmd/run-policy-pack), and the Node.js language host. Pulumi's own language host,
#   github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, is not served by the module
#   proxy at any version (403 "This module version is not available"; Pulumi tags only pkg/ and sdk/),
#   so pulumi-language-nodejs here is the project's test harness: local/engine/languageHost (see its
#   README for what it does differently).
#
# A missing Go toolchain or module stops the script with one line naming it and the fix (exit 3).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
module_dir="$repo/local/engine/pulumi-cli"
version="$(sed -n 's|^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 v\([0-9.]*\)$|\1|p' "$module_dir/go.mod")"
say() { echo "rds-iam engine: $*" >&2; }
fail() {
    echo "rds-iam engine: $*" >&2
    exit 3
}
[ -n "$version" ] || fail "cannot read the pkg/v3 version from $module_dir/go.mod"

# Is this pulumi at least $version and below 4?
compatible() {
    local found="$1"
    [ "${found%%.*}" = "3" ] || return 1
    [ "$(printf '%s\n%s\n' "$version" "$found" | sort -V | head -n 1)" = "$version" ]
}

bin_dir="$repo/.tmp/engine/bin"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/rds-iam/pulumi/$version"
# A pulumi on PATH that is not one of ours (RDS_IAM_BUILD_PULUMI=1 builds ours anyway).
if [ -z "${RDS_IAM_BUILD_PULUMI:-}" ] && existing="$(command -v pulumi 2>/dev/null)" &&
    [ ! "$existing" -ef "$bin_dir/pulumi" ] && [ ! "$existing" -ef "$cache/pulumi" ]; then
    found="$("$existing" version 2>/dev/null | sed 's/^v//')"
    if [ -n "$found" ] && compatible "$found"; then
        say "using the pulumi on PATH: $existing (v$found, compatible with v$version)"
        dirname "$existing"
        exit 0
    fi
    say "ignoring the pulumi on PATH ($existing, version '${found:-unknown}'): rds-iam needs 3.x at v$version or later"
fi

if [ ! -x "$cache/pulumi" ]; then
    command -v go >/dev/null 2>&1 ||
        fail "no Go toolchain on PATH: the Pulumi CLI v$version is built from its Go module. Install Go 1.26 or later (Debian: apt-get install golang-go, or https://go.dev/dl) and run again."
    have_go="$(go env GOVERSION | sed 's/^go//')"
    want_go="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$module_dir/go.mod")"
    [ "$(printf '%s\n%s\n' "$want_go" "$have_go" | sort -V | head -n 1)" = "$want_go" ] ||
        fail "Go $have_go is older than the go $want_go that github.com/pulumi/pulumi/pkg/v3@v$version needs: install Go $want_go or later and run again."
    mkdir -p "$cache"
    exec 9>"$cache/.build.lock"
    flock 9 # a second run waits for the first build instead of repeating it
    if [ ! -x "$cache/pulumi" ]; then
        say "building the Pulumi CLI v$version from github.com/pulumi/pulumi/pkg/v3 (first run only; about 6 minutes on 2 cores)…"
        started=$SECONDS
        log="$cache/build.log"
        if ! (cd "$module_dir" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go mod download github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3) >"$log" 2>&1; then
            fail "cannot download github.com/pulumi/pulumi/pkg/v3@v$version or sdk/v3@v$version from $(go env GOPROXY): $(grep -m1 -iE 'error|forbidden|not available|reading' "$log" || tail -n 1 "$log")"
        fi
        if ! (cd "$module_dir" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath \
            -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
            -o "$cache/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >>"$log" 2>&1; then
            fail "go build of github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version failed (a module the build needs may not be served): $(grep -m1 -E 'go: |cannot|error' "$log" || tail -n 1 "$log") — full log: $log"
        fi
        mv "$cache/pulumi.partial" "$cache/pulumi"
        say "built $cache/pulumi in $((SECONDS - started)) s"
    fi
    exec 9>&-
else
    say "using the Pulumi CLI v$version built earlier: $cache/pulumi"
fi

# The CLI beside its bundled plugins (a hard link where the cache is on the same file system).
mkdir -p "$bin_dir"
if [ ! "$bin_dir/pulumi" -ef "$cache/pulumi" ]; then
    rm -f "$bin_dir/pulumi"
    ln "$cache/pulumi" "$bin_dir/pulumi" 2>/dev/null || cp "$cache/pulumi" "$bin_dir/pulumi"
fi
write_launcher() {
    local name="$1" body="$2"
    printf '#!/bin/sh\n# Generated by scripts/pulumi-engine.sh.\n%s\n' "$body" >"$bin_dir/$name.tmp"
    chmod +x "$bin_dir/$name.tmp"
    mv "$bin_dir/$name.tmp" "$bin_dir/$name"
}
# As Pulumi's own scripts do: run @pulumi/pulumi's entry from the working directory's node_modules
# (the engine starts the dynamic-provider host in the program's directory, the policy host in the pack's).
write_launcher pulumi-resource-pulumi-nodejs 'exec node ./node_modules/@pulumi/pulumi/cmd/dynamic-provider "$@"'
write_launcher pulumi-analyzer-policy 'exec node ./node_modules/@pulumi/pulumi/cmd/run-policy-pack "$@"'
write_launcher pulumi-language-nodejs "exec node --import \"$repo/node_modules/tsx/dist/loader.mjs\" \"$repo/local/engine/languageHost/main.ts\" \"\$@\""
echo "$bin_dir"
