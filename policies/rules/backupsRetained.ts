import { ResourceValidationPolicy } from "@pulumi/policy";
import { isDatabase } from "../lib/resources";

export interface BackupsConfig {
    minimumDays: number;
}

export const backupsRetained: ResourceValidationPolicy = {
    name: "rds-iam-backups-retained",
    description:
        "Every RDS instance and Aurora cluster keeps automated backups for at least the configured number of days.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
        "Set backupRetentionPeriod to at least the configured minimum (rds-iam's Database: backupRetentionDays).",
    configSchema: { properties: { minimumDays: { type: "integer", default: 7, minimum: 1, maximum: 35 } } },
    validateResource: (args, reportViolation) => {
        if (!isDatabase(args.type)) return;
        const { minimumDays } = args.getConfig<BackupsConfig>();
        const days = args.props.backupRetentionPeriod ?? 1; // the RDS API default
        if (days < minimumDays) {
            reportViolation(
                `"${args.name}" keeps backups for ${days} day(s); the minimum is ${minimumDays}. Set backupRetentionPeriod: ${minimumDays} or more.`,
            );
        }
    },
};
