//go:build tools

// Package tools pins the Pulumi CLI that scripts/pulumi-engine.sh builds: `go build` of
// github.com/pulumi/pulumi/pkg/v3/cmd/pulumi inside this module takes pkg/v3 and sdk/v3 at the
// versions go.mod requires, with the replace directive pkg's own go.mod carries.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	// The CLI reports its version from this package (set with -ldflags -X at build time).
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/version"
)
