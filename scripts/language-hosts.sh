#!/usr/bin/env bash
# The language plugins the multi-language tests (test/languages/) need beside the Pulumi CLI of
# scripts/pulumi-engine.sh, built from the Go module proxy and cached per user and version in
# ${XDG_CACHE_HOME:-~/.cache}/rds-iam/language-hosts/:
#
#     dir="$(bash scripts/language-hosts.sh)"   # prints one directory, says on stderr what it did
#
# - $dir/pulumi-language-yaml: Pulumi YAML's language host, github.com/pulumi/pulumi-yaml at the
#   version below (`go install …/cmd/pulumi-language-yaml@v…`: no prebuilt download). Put $dir on
#   PATH to run YAML programs.
# - $dir/gen-sdk/pulumi-language-python and pulumi-language-go: local/engine/codegen, a plugin that
#   serves GeneratePackage only, with pkg/v3's own Python and Go code generators (the real hosts are
#   modules the proxy does not serve; see that file). Put $dir/gen-sdk on PATH for
#   `pulumi package gen-sdk --language python|go` only. `$dir/rds-iam-codegen validate schema.json`
#   checks a schema against Pulumi's package metaschema. There is no pulumi-language-java: its
#   generator's module, github.com/pulumi/pulumi-java/pkg, is not served by the proxy (see main.go).
#
# A missing Go toolchain or module stops the script with one line naming it and the fix (exit 3).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
yaml_version=1.25.0
codegen_module="$repo/local/engine/codegen"
pkg_version="$(sed -n 's|^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 v\([0-9.]*\)$|\1|p' "$codegen_module/go.mod")"
say() { echo "rds-iam language hosts: $*" >&2; }
fail() {
    echo "rds-iam language hosts: $*" >&2
    exit 3
}
command -v go >/dev/null 2>&1 ||
    fail "no Go toolchain on PATH: the language hosts are built from their Go modules. Install Go 1.26 or later (Debian: apt-get install golang-go, or https://go.dev/dl) and run again."

cache="${XDG_CACHE_HOME:-$HOME/.cache}/rds-iam/language-hosts"
mkdir -p "$cache"
exec 9>"$cache/.build.lock"
flock 9 # a second run waits for the first build instead of repeating it

yaml_bin="$cache/yaml-$yaml_version/pulumi-language-yaml"
if [ ! -x "$yaml_bin" ]; then
    say "building pulumi-language-yaml v$yaml_version from github.com/pulumi/pulumi-yaml (first run only; a few minutes on 2 cores)…"
    log="$cache/yaml-$yaml_version.log"
    mkdir -p "$(dirname "$yaml_bin")"
    if ! (cd "$cache" && GOTOOLCHAIN=local GOFLAGS=-mod=mod GOBIN="$cache/yaml-$yaml_version.partial" \
        go install -trimpath "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$yaml_version") >"$log" 2>&1; then
        fail "go install github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$yaml_version failed (is the module served by $(go env GOPROXY)?): $(grep -m1 -E 'go: |cannot|error|not available' "$log" || tail -n 1 "$log") — full log: $log"
    fi
    mv "$cache/yaml-$yaml_version.partial/pulumi-language-yaml" "$yaml_bin"
    rmdir "$cache/yaml-$yaml_version.partial" 2>/dev/null || true
fi

# The codegen plugin is rebuilt when its source changes (keyed by its hash and the pkg/v3 version).
source_hash="$(cat "$codegen_module/main.go" "$codegen_module/go.mod" "$codegen_module/go.sum" | sha256sum | cut -c1-16)"
codegen_bin="$cache/codegen-$pkg_version-$source_hash/rds-iam-codegen"
if [ ! -x "$codegen_bin" ]; then
    say "building rds-iam-codegen (pkg/v3 v$pkg_version code generators and metaschema)…"
    log="$cache/codegen.log"
    mkdir -p "$(dirname "$codegen_bin")"
    if ! (cd "$codegen_module" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath -o "$codegen_bin.partial" .) >"$log" 2>&1; then
        fail "go build of local/engine/codegen (github.com/pulumi/pulumi/pkg/v3@v$pkg_version) failed: $(grep -m1 -E 'go: |cannot|error' "$log" || tail -n 1 "$log") — full log: $log"
    fi
    mv "$codegen_bin.partial" "$codegen_bin"
fi
exec 9>&-

bin_dir="$repo/.tmp/language-hosts/bin"
mkdir -p "$bin_dir/gen-sdk"
ln -sf "$yaml_bin" "$bin_dir/pulumi-language-yaml"
ln -sf "$codegen_bin" "$bin_dir/rds-iam-codegen"
ln -sf "$codegen_bin" "$bin_dir/gen-sdk/pulumi-language-python"
ln -sf "$codegen_bin" "$bin_dir/gen-sdk/pulumi-language-go"
say "pulumi-language-yaml v$yaml_version: $yaml_bin; rds-iam-codegen: $codegen_bin"
echo "$bin_dir"
