import { ResourceValidationPolicy } from "@pulumi/policy";
import { CLUSTER, INSTANCE, isDatabase, supportsIamAuth } from "../lib/resources";

export const iamAuthEnabled: ResourceValidationPolicy = {
    name: "rds-iam-iam-auth-enabled",
    description:
        "Every RDS instance and Aurora cluster whose engine supports it has IAM database authentication enabled.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Set iamDatabaseAuthenticationEnabled: true on the aws.rds.Instance or aws.rds.Cluster (rds-iam's Database component always does).",
    validateResource: (args, reportViolation) => {
        // Engines compare case-insensitively ("Postgres" is postgres). A replica or restore without an
        // engine of its own is judged by the stack rule rds-iam-replica-iam-auth, which looks up its source.
        if (!isDatabase(args.type) || !supportsIamAuth(args.props.engine)) return;
        if (args.props.iamDatabaseAuthenticationEnabled !== true) {
            const kind =
                args.type === INSTANCE
                    ? "RDS instance"
                    : args.type === CLUSTER
                      ? "Aurora cluster"
                      : args.type;
            reportViolation(
                `${kind} "${args.name}" (${args.props.engine}) does not enable IAM database authentication; set iamDatabaseAuthenticationEnabled: true.`,
            );
        }
    },
};
