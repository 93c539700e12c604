/**
 * The database's network path: its own security group, and one ingress rule on the engine port per
 * allowed security group or CIDR block. Everything that connects to the database depends on these
 * rules, so `pulumi destroy` revokes them only after the last SQL statement.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { childName } from "../childNames";
import { Engine } from "../engines";

export interface NetworkArgs {
    readonly engine: Engine;
    readonly port: number;
    readonly vpcId: pulumi.Input<string>;
    readonly allowedSecurityGroupIds: readonly pulumi.Input<string>[];
    readonly allowedCidrBlocks: readonly string[];
    readonly tags: Record<string, string>;
}

export interface Network {
    readonly securityGroup: aws.ec2.SecurityGroup;
    /** The ingress rules: the path by which the deployer and the workloads reach the database. */
    readonly ingressRules: aws.vpc.SecurityGroupIngressRule[];
}

export function createNetwork(name: string, args: NetworkArgs, parent: pulumi.Resource): Network {
    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-sg`,
        {
            vpcId: args.vpcId,
            description: `rds-iam ${name}: ${args.engine} port ${args.port} from allowed sources only`,
            tags: args.tags,
        },
        { parent },
    );
    const rule = (
        child: { name: string; aliases: pulumi.Alias[] },
        source: { referencedSecurityGroupId: pulumi.Input<string> } | { cidrIpv4: string },
    ) =>
        new aws.vpc.SecurityGroupIngressRule(
            child.name,
            {
                securityGroupId: securityGroup.id,
                ...source,
                ipProtocol: "tcp",
                fromPort: args.port,
                toPort: args.port,
                tags: args.tags,
            },
            { parent, aliases: child.aliases },
        );
    const ingressRules = [
        ...args.allowedSecurityGroupIds.map((sg, i) =>
            rule(childName(`${name}-ingress-sg`, sg, i), { referencedSecurityGroupId: sg }),
        ),
        ...args.allowedCidrBlocks.map((cidr, i) =>
            rule(childName(`${name}-ingress-cidr`, cidr, i), { cidrIpv4: cidr }),
        ),
    ];
    return { securityGroup, ingressRules };
}
