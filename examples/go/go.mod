module rds-iam-go-example

go 1.25

require (
	github.com/pulumi/pulumi/sdk/v3 v3.276.0
	github.com/rds-iam/rds-iam/sdk/go v0.1.0
)

// The SDK generated from the schema of the same checkout as the plugin (pulumi package gen-sdk … --out sdk).
replace github.com/rds-iam/rds-iam/sdk/go => ./sdk/go
