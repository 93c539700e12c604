import { ResourceValidationPolicy } from "@pulumi/policy";
import { list, policyDocumentsOf, statementsOf } from "../lib/resources";

const FULL_ACCESS = /:policy\/(AmazonRDSFullAccess|AmazonRDSDataFullAccess)$/;
const ATTACHMENTS = [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
];

export const noRdsFullAccess: ResourceValidationPolicy = {
    name: "rds-iam-no-rds-full-access",
    description:
        "Identities that connect to databases do not carry AmazonRDSFullAccess or rds:* permissions; rds-db:connect on named users is all they need.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Remove the AmazonRDSFullAccess attachment or the rds:* action, and grant rds-db:connect on arn:…:dbuser:<resource id>/<user> instead (rds-iam's DatabaseAccessRole).",
    validateResource: (args, reportViolation) => {
        if (ATTACHMENTS.includes(args.type) && FULL_ACCESS.test(String(args.props.policyArn ?? ""))) {
            reportViolation(
                `"${args.name}" attaches ${args.props.policyArn}; grant rds-db:connect on the database users instead.`,
            );
        }
        if (args.type === "aws:iam/role:Role") {
            for (const arn of args.props.managedPolicyArns ?? []) {
                if (FULL_ACCESS.test(arn))
                    reportViolation(
                        `role "${args.name}" carries ${arn}; grant rds-db:connect on the database users instead.`,
                    );
            }
        }
        for (const document of policyDocumentsOf(args.type, args.props)) {
            for (const statement of statementsOf(document)) {
                if ((statement.Effect ?? "Allow") !== "Allow") continue;
                for (const action of list(statement.Action)) {
                    if (/^(rds:\*|\*)$/i.test(action)) {
                        reportViolation(
                            `"${args.name}" allows ${action}; grant rds-db:connect on the database users instead.`,
                        );
                    }
                }
            }
        }
    },
};
