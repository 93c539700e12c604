// The rds-iam dev stack in Go: the same database, IAM users and workload role as examples/python,
// through the rds-iam plugin's components. Generate the SDK first (see the README's "Using rds-iam
// from Python, Go, Java or YAML"):
//
//	pulumi package gen-sdk ../../schema.json --language go --out sdk
//	go mod tidy
//
// test/languages/sdks.test.ts builds this program against the SDK generated from schema.json. It is
// not run under the engine here: Pulumi's Go language host is a module this project's build machines
// cannot fetch.
package main

import (
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/rds-iam/rds-iam/sdk/go/rdsiam"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		ca, err := os.ReadFile(cfg.Require("caBundleFile"))
		if err != nil {
			return err
		}
		masterPassword := cfg.Get("masterPassword")
		if masterPassword == "" {
			masterPassword = "managed"
		}
		db, err := rdsiam.NewDatabase(ctx, "db", &rdsiam.DatabaseArgs{
			Engine:            rdsiam.EnginePostgres,
			VpcId:             pulumi.String("vpc-0a1b2c3d4e5f60789"),
			SubnetIds:         pulumi.ToStringArray([]string{"subnet-0aa1bb2cc3dd4ee51", "subnet-0ff6aa7bb8cc9dd02"}),
			AllowedCidrBlocks: pulumi.ToStringArray([]string{"10.20.0.0/16"}),
			DatabaseName:      pulumi.StringRef("app"),
			Users: []rdsiam.DatabaseUserSpecInput{
				rdsiam.DatabaseUserSpecArgs{
					Username:   pulumi.String("app_rw"),
					Privileges: pulumi.ToStringArray([]string{"SELECT", "INSERT", "UPDATE", "DELETE"}),
				},
				rdsiam.DatabaseUserSpecArgs{
					Username:   pulumi.String("reporting_ro"),
					Privileges: pulumi.ToStringArray([]string{"SELECT"}),
				},
			},
			DeletionProtection: pulumi.BoolRef(false),
			SkipFinalSnapshot:  pulumi.BoolRef(true),
			MasterPassword:     pulumi.StringRef(masterPassword),
			CaCertificate:      pulumi.StringRef(string(ca)),
		})
		if err != nil {
			return err
		}
		service := rdsiam.WorkloadServiceEc2
		api, err := rdsiam.NewDatabaseAccessRole(ctx, "api", &rdsiam.DatabaseAccessRoleArgs{
			Service: &service,
			Grants: []rdsiam.GrantInput{
				rdsiam.GrantArgs{Database: db, Username: pulumi.String("app_rw")},
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("address", db.Address)
		ctx.Export("port", db.Port)
		ctx.Export("resourceId", db.ResourceId)
		ctx.Export("userNames", db.UserNames)
		ctx.Export("roleArn", api.RoleArn)
		ctx.Export("instanceProfileName", api.InstanceProfileName)
		return nil
	})
}
