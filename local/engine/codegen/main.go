// Command rds-iam-codegen: what `pulumi package gen-sdk` needs from a language plugin, built from
// the served github.com/pulumi/pulumi/pkg/v3 module (scripts/language-hosts.sh).
//
// Pulumi's own language hosts (pulumi-language-python, pulumi-language-go) are Go modules of their
// own that the module proxy does not serve, and the CLI's gen-sdk always calls a language plugin's
// GeneratePackage. Started as pulumi-language-python or pulumi-language-go (by that name on PATH),
// this program is such a plugin that implements GeneratePackage only, with the same code generators
// the real hosts call (pkg/codegen/python, pkg/codegen/go); every other method is UNIMPLEMENTED.
//
// Java is not served: its generator is pulumi-java's pkg/codegen/java, in the Go module
// github.com/pulumi/pulumi-java/pkg, which the module proxy refuses at every version (403 "This
// module version is not available", on the version list itself). Once it is served at a version
// built on this pkg/v3, it would be required here and called for "pulumi-language-java"
// (test/languages/sdks.test.ts builds the Python and Go SDKs only).
//
// Run as `rds-iam-codegen validate <schema.json>` it checks a package schema against Pulumi's
// package metaschema (codegen/schema/pulumi.json, JSON Schema 2020-12, as compiled by the CLI
// itself) and then binds it as the CLI does, printing each problem on a line.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/blang/semver"
	"github.com/santhosh-tekuri/jsonschema/v5"
	"google.golang.org/grpc"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "validate" {
		os.Exit(validate(os.Args[2]))
	}
	language := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-language-")
	if language != "python" && language != "go" {
		fmt.Fprintln(os.Stderr, "usage: rds-iam-codegen validate <schema.json>, or start it as pulumi-language-python / pulumi-language-go")
		os.Exit(2)
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &generator{language: language})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "rds-iam-codegen: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "rds-iam-codegen: %v\n", err)
		os.Exit(1)
	}
}

func validate(file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		fmt.Printf("%s: not JSON: %v\n", file, err)
		return 1
	}
	problems := 0
	if err := schema.MetaSchema.Validate(raw); err != nil {
		var report func(e *jsonschema.ValidationError)
		report = func(e *jsonschema.ValidationError) {
			if len(e.Causes) == 0 {
				fmt.Printf("#%s: %s\n", e.InstanceLocation, e.Message)
				problems++
			}
			for _, c := range e.Causes {
				report(c)
			}
		}
		if ve, ok := err.(*jsonschema.ValidationError); ok {
			report(ve)
		} else {
			fmt.Println(err)
			problems++
		}
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		fmt.Printf("%s: not a package spec: %v\n", file, err)
		return 1
	}
	if _, diags, err := schema.BindSpec(spec, noOtherPackages{}, schema.ValidationOptions{}); err != nil || diags.HasErrors() {
		for _, d := range diags {
			fmt.Printf("bind: %s\n", d.Error())
			problems++
		}
		if err != nil {
			fmt.Printf("bind: %v\n", err)
			problems++
		}
	}
	if problems > 0 {
		return 1
	}
	fmt.Printf("%s: valid against Pulumi's package metaschema, and binds\n", file)
	return 0
}

// noOtherPackages is the loader for `validate`: rds-iam's schema refers to no other package, so a
// reference to one is itself a problem to report.
type noOtherPackages struct{}

func (noOtherPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q: rds-iam's schema must be self-contained", pkg)
}

func (noOtherPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q: rds-iam's schema must be self-contained", d.Name)
}

type generator struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	language string
}

// GetPluginInfo: the engine asks every plugin it starts for its version.
func (g *generator) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (g *generator) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, diags
	}
	var files map[string][]byte
	tool := "pulumi-language-" + g.language
	switch g.language {
	case "python":
		files, err = pygen.GeneratePackage(tool, pkg, req.ExtraFiles, loader)
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, req.LocalDependencies)
	}
	if err != nil {
		return nil, err
	}
	for name, content := range files {
		path := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, content, 0o600); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{}, nil
}
