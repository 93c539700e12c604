"""The rds-iam dev stack in Python: the same database, IAM users and workload role as the TypeScript
program with Pulumi.dev.yaml's api workload, through the rds-iam plugin's components."""

import pulumi
import pulumi_rds_iam as rds_iam

config = pulumi.Config()

with open(config.require("caBundleFile"), encoding="utf-8") as bundle:
    ca_certificate = bundle.read()

db = rds_iam.Database(
    "db",
    engine=rds_iam.Engine.POSTGRES,
    vpc_id="vpc-0a1b2c3d4e5f60789",
    subnet_ids=["subnet-0aa1bb2cc3dd4ee51", "subnet-0ff6aa7bb8cc9dd02"],
    allowed_cidr_blocks=["10.20.0.0/16"],
    database_name="app",
    users=[
        rds_iam.DatabaseUserSpecArgs(username="app_rw", privileges=["SELECT", "INSERT", "UPDATE", "DELETE"]),
        rds_iam.DatabaseUserSpecArgs(username="reporting_ro", privileges=["SELECT"]),
    ],
    deletion_protection=False,
    skip_final_snapshot=True,
    master_password=config.get("masterPassword") or "managed",
    ca_certificate=ca_certificate,
)

api = rds_iam.DatabaseAccessRole(
    "api",
    service=rds_iam.WorkloadService.EC2,
    grants=[rds_iam.GrantArgs(database=db, username="app_rw")],
)

pulumi.export("address", db.address)
pulumi.export("port", db.port)
pulumi.export("resourceId", db.resource_id)
pulumi.export("userNames", db.user_names)
pulumi.export("roleArn", api.role_arn)
pulumi.export("instanceProfileName", api.instance_profile_name)
