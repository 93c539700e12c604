import { ResourceValidationPolicy } from "@pulumi/policy";
import { CLUSTER_INSTANCE, INSTANCE } from "../lib/resources";

export const notPubliclyAccessible: ResourceValidationPolicy = {
    name: "rds-iam-not-publicly-accessible",
    description: "No RDS instance or Aurora cluster instance has a public address.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
        "Set publiclyAccessible: false and reach the database from inside the VPC (or through a bastion / VPN).",
    validateResource: (args, reportViolation) => {
        if (args.type !== INSTANCE && args.type !== CLUSTER_INSTANCE) return;
        if (args.props.publiclyAccessible === true) {
            reportViolation(`"${args.name}" is publicly accessible; set publiclyAccessible: false.`);
        }
    },
};
