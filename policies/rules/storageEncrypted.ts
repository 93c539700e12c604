import { ResourceValidationPolicy } from "@pulumi/policy";
import { isDatabase } from "../lib/resources";

export const storageEncrypted: ResourceValidationPolicy = {
    name: "rds-iam-storage-encrypted",
    description: "Every RDS instance and Aurora cluster encrypts its storage at rest.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Set storageEncrypted: true (optionally with kmsKeyId). Existing unencrypted databases must be restored from an encrypted snapshot copy.",
    validateResource: (args, reportViolation) => {
        if (!isDatabase(args.type)) return;
        if (args.props.storageEncrypted !== true) {
            reportViolation(`"${args.name}" does not encrypt its storage; set storageEncrypted: true.`);
        }
    },
};
