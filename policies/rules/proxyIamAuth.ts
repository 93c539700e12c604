import { ResourceValidationPolicy } from "@pulumi/policy";
import { PROXY } from "../lib/resources";

/** Why an RDS Proxy lets clients in without IAM or without TLS, as messages. Pure. */
export function proxyProblems(name: string, props: Record<string, any>): string[] {
    const problems: string[] = [];
    if (props.requireTls !== true)
        problems.push(
            `RDS Proxy "${name}" accepts connections without TLS; set requireTls: true (IAM tokens travel as cleartext passwords).`,
        );
    if (props.defaultAuthScheme === "IAM_AUTH") return problems; // end-to-end IAM: clients must sign tokens
    const auths: Record<string, any>[] = props.auths ?? [];
    if (auths.length === 0)
        problems.push(
            `RDS Proxy "${name}" requires IAM authentication nowhere; set defaultAuthScheme: "IAM_AUTH" or auths[].iamAuth: "REQUIRED".`,
        );
    auths.forEach((auth, i) => {
        if (auth.iamAuth !== "REQUIRED")
            problems.push(
                `RDS Proxy "${name}" auths[${i}] (${auth.username ?? auth.secretArn ?? "no user"}) lets clients log in with a password (iamAuth ${auth.iamAuth ?? "DISABLED, the default"}); set iamAuth: "REQUIRED".`,
            );
    });
    return problems;
}

export const proxyIamAuth: ResourceValidationPolicy = {
    name: "rds-iam-proxy-iam-auth",
    description:
        "Every RDS Proxy requires IAM authentication from its clients and refuses connections without TLS.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Set requireTls: true and either defaultAuthScheme: "IAM_AUTH" or iamAuth: "REQUIRED" on every auths[] entry of the aws.rds.Proxy; grant rds-db:connect on arn:…:dbuser:<prx-… id>/<user>.',
    validateResource: (args, reportViolation) => {
        if (args.type !== PROXY) return;
        for (const problem of proxyProblems(args.name, args.props)) reportViolation(problem);
    },
};
