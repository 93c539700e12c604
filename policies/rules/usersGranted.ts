import { StackValidationPolicy } from "@pulumi/policy";
import { databaseEndpoint, databaseResourceId, indexStack, parseDbUserArn } from "../lib/stackIndex";

export const usersGranted: StackValidationPolicy = {
    name: "rds-iam-users-granted",
    description:
        "Every IAM database user is granted to at least one principal; a user nobody may log in as is probably a leftover.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
        "Grant the user to a workload (DatabaseAccessRole grants, or Database.grantConnect), or remove it from the Database's users.",
    validateStack: (args, reportViolation) => {
        const index = indexStack(args.resources);
        const idByEndpoint = new Map(
            index.databases.map((db) => [databaseEndpoint(db), databaseResourceId(db)]),
        );
        const granted = new Set(
            index.grants
                .map((g) => parseDbUserArn(g.arn))
                .filter((a) => a !== undefined)
                .map((a) => `${a!.resourceId}\u0000${a!.username}`),
        );
        for (const user of index.users) {
            const id = idByEndpoint.get(user.props.host);
            if (id === undefined || granted.has(`${id}\u0000${user.props.username}`)) continue;
            reportViolation(
                `DatabaseUser "${user.props.username}" on ${user.props.host} is not granted to any principal in this stack.`,
                user.urn,
            );
        }
    },
};
