/**
 * What the local cloud does when the test `aws` provider creates, updates or deletes a resource: the
 * outputs AWS computes (the mocks' answers, mockAnswers.ts: one source of truth), and the API's
 * refusals a real account gives — a reference to something that does not exist, a delete of something
 * still in use, deletion protection, a parameter AWS would not take. Each refusal carries AWS's error
 * code and message. The database servers themselves are started by the cloud (cloud.ts) through the
 * `databases` hooks.
 */
import { computedOutputs, idFor } from "../pulumi/mockAnswers";

export interface CloudResource {
    readonly type: string;
    readonly id: string;
    readonly region: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
}

/** An AWS API error: code and message as the SDK and the provider print them. */
export class AwsError extends Error {
    constructor(
        readonly code: string,
        message: string,
    ) {
        super(`${code}: ${message}`);
    }
}

export const T = {
    instance: "aws:rds/instance:Instance",
    cluster: "aws:rds/cluster:Cluster",
    clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    parameterGroup: "aws:rds/parameterGroup:ParameterGroup",
    clusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    subnetGroup: "aws:rds/subnetGroup:SubnetGroup",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    lambda: "aws:lambda/function:Function",
    proxy: "aws:rds/proxy:Proxy",
    proxyTargetGroup: "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
    proxyTarget: "aws:rds/proxyTarget:ProxyTarget",
} as const;

/** The physical name a resource was given (autonamed by the provider's check). */
export function physicalName(type: string, inputs: Record<string, any>, fallback: string): string {
    const key =
        type === T.instance || type === T.clusterInstance
            ? "identifier"
            : type === T.cluster
              ? "clusterIdentifier"
              : "name";
    return String(inputs[key] ?? fallback);
}

/**
 * Parameters whose engine default already is the value rds-iam sets: AWS does not list them as user
 * parameters and reports their apply method as pending-reboot, so a group that asks "immediate" for
 * them shows a change on every plan (hashicorp/terraform-provider-aws#39252, #18035). PostgreSQL 15+
 * defaults rds.force_ssl to 1 (RDS User Guide, "Using SSL with a PostgreSQL DB instance").
 */
function defaultsToValue(family: string, name: string, value: string): boolean {
    const pg = /^(aurora-)?postgres(\d+)$/.exec(family);
    if (pg && name === "rds.force_ssl") return Number(pg[2]) >= 15 && value === "1";
    const mariadb = /^mariadb(\d+)\.(\d+)$/.exec(family);
    if (mariadb && name === "require_secure_transport") {
        const [major, minor] = [Number(mariadb[1]), Number(mariadb[2])];
        return (major > 11 || (major === 11 && minor >= 8)) && ["1", "ON"].includes(value.toUpperCase());
    }
    return false;
}

/** rds.force_ssl is static before PostgreSQL 15: "cannot use immediate apply method for static parameter". */
function staticParameter(family: string, name: string): boolean {
    const pg = /^(aurora-)?postgres(\d+)$/.exec(family);
    return pg !== null && name === "rds.force_ssl" && Number(pg[2]) < 15;
}

function parameterGroupOutputs(inputs: Record<string, any>): Record<string, any> {
    const family = String(inputs.family);
    const parameters = (inputs.parameters ?? []) as { name: string; value: string; applyMethod?: string }[];
    for (const p of parameters) {
        if (staticParameter(family, p.name) && (p.applyMethod ?? "immediate") === "immediate")
            throw new AwsError(
                "InvalidParameterCombination",
                `cannot use immediate apply method for static parameter ${p.name}`,
            );
        // Aurora MySQL cluster groups take require_secure_transport as ON/OFF (prowler-cloud/prowler#4116).
        if (
            family.startsWith("aurora-mysql") &&
            p.name === "require_secure_transport" &&
            !["ON", "OFF"].includes(p.value)
        )
            throw new AwsError(
                "InvalidParameterValue",
                `Value: ${p.value} is outside of range for parameter: require_secure_transport (allowed values: ON, OFF)`,
            );
    }
    return {
        parameters: parameters.map((p) => ({
            ...p,
            applyMethod: defaultsToValue(family, p.name, String(p.value))
                ? "pending-reboot"
                : (p.applyMethod ?? "immediate"),
        })),
    };
}

export interface CloudState {
    list(type: string): CloudResource[];
    find(type: string, match: (r: CloudResource) => boolean): CloudResource | undefined;
}

function requireExisting(
    state: CloudState,
    type: string,
    match: (r: CloudResource) => boolean,
    error: AwsError,
): CloudResource {
    const found = state.find(type, match);
    if (found === undefined) throw error;
    return found;
}

const roleByArnOrName = (state: CloudState, ref: string) =>
    state.find(T.role, (r) => r.outputs.arn === ref || r.outputs.name === ref);

/** Refusals of the create call for references to things that do not exist (or cannot be used). */
export function checkReferences(state: CloudState, type: string, inputs: Record<string, any>): void {
    const sg = (id: string) =>
        requireExisting(
            state,
            T.securityGroup,
            (r) => r.id === id,
            new AwsError("InvalidGroup.NotFound", `The security group '${id}' does not exist`),
        );
    switch (type) {
        case T.ingress:
        case T.egress:
            sg(inputs.securityGroupId);
            if (inputs.referencedSecurityGroupId) sg(inputs.referencedSecurityGroupId);
            return;
        case T.rolePolicy:
        case T.instanceProfile:
        case T.rolePolicyAttachment: {
            if (inputs.role !== undefined && roleByArnOrName(state, inputs.role) === undefined)
                throw new AwsError("NoSuchEntity", `The role with name ${inputs.role} cannot be found.`);
            const arn = String(inputs.policyArn ?? "");
            if (
                type === T.rolePolicyAttachment &&
                !/^arn:[a-z-]+:iam::aws:policy\//.test(arn) &&
                state.find(T.policy, (r) => r.outputs.arn === arn) === undefined
            )
                throw new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`);
            return;
        }
        case T.lambda: {
            const role = roleByArnOrName(state, inputs.role);
            // Lambda API CreateFunction: the role must exist and trust lambda.amazonaws.com.
            if (role === undefined || !String(role.inputs.assumeRolePolicy).includes("lambda.amazonaws.com"))
                throw new AwsError(
                    "InvalidParameterValueException",
                    "The role defined for the function cannot be assumed by Lambda.",
                );
            for (const id of inputs.vpcConfig?.securityGroupIds ?? []) sg(id);
            return;
        }
        case T.instance:
        case T.cluster: {
            for (const id of inputs.vpcSecurityGroupIds ?? []) sg(id);
            if (inputs.dbSubnetGroupName)
                requireExisting(
                    state,
                    T.subnetGroup,
                    (r) => r.outputs.name === inputs.dbSubnetGroupName,
                    new AwsError(
                        "DBSubnetGroupNotFoundFault",
                        `DBSubnetGroup '${inputs.dbSubnetGroupName}' not found.`,
                    ),
                );
            const groupType = type === T.instance ? T.parameterGroup : T.clusterParameterGroup;
            const groupName =
                type === T.instance ? inputs.parameterGroupName : inputs.dbClusterParameterGroupName;
            if (groupName) {
                const group = requireExisting(
                    state,
                    groupType,
                    (r) => r.outputs.name === groupName,
                    new AwsError("DBParameterGroupNotFound", `DBParameterGroup not found: ${groupName}`),
                );
                const major = String(inputs.engineVersion ?? "").split(".")[0];
                const family = String(group.outputs.family);
                if (major !== "" && !family.startsWith(String(inputs.engine)))
                    throw new AwsError(
                        "InvalidParameterCombination",
                        `The parameter group ${groupName} with DBParameterGroupFamily ${family} can't be used for this instance. Use a parameter group with DBParameterGroupFamily ${inputs.engine}${major}.`,
                    );
            }
            return;
        }
        case T.proxy: {
            // RDS API Reference, CreateDBProxy: the role is assumed by rds.amazonaws.com to log in.
            const role = roleByArnOrName(state, inputs.roleArn);
            if (role === undefined || !String(role.inputs.assumeRolePolicy).includes("rds.amazonaws.com"))
                throw new AwsError(
                    "InvalidParameterValue",
                    `IAM role ${inputs.roleArn} cannot be assumed by rds.amazonaws.com`,
                );
            for (const id of inputs.vpcSecurityGroupIds ?? []) sg(id);
            return;
        }
        case T.proxyTargetGroup:
        case T.proxyTarget: {
            const proxy = requireExisting(
                state,
                T.proxy,
                (r) => r.outputs.name === inputs.dbProxyName,
                new AwsError("DBProxyNotFoundFault", `DBProxy ${inputs.dbProxyName} not found.`),
            );
            if (type === T.proxyTargetGroup) return;
            if (inputs.targetGroupName !== "default")
                throw new AwsError(
                    "DBProxyTargetGroupNotFoundFault",
                    `DBProxyTargetGroup ${inputs.targetGroupName} not found for DBProxy ${proxy.outputs.name}.`,
                );
            const [targetType, key, ref] =
                inputs.dbClusterIdentifier !== undefined
                    ? [T.cluster, "clusterIdentifier", inputs.dbClusterIdentifier]
                    : [T.instance, "identifier", inputs.dbInstanceIdentifier];
            const target = requireExisting(
                state,
                targetType,
                (r) => r.outputs[key] === ref,
                new AwsError(
                    targetType === T.cluster ? "DBClusterNotFoundFault" : "DBInstanceNotFound",
                    `${targetType === T.cluster ? "DBCluster" : "DBInstance"} ${ref} not found.`,
                ),
            );
            // RegisterDBProxyTargets: the target's engine must speak the proxy's EngineFamily.
            const family = String(target.outputs.engine).includes("postgres") ? "POSTGRESQL" : "MYSQL";
            if (family !== proxy.inputs.engineFamily)
                throw new AwsError(
                    "InvalidDBInstanceState",
                    `The engine of ${ref} (${target.outputs.engine}) does not match the proxy's EngineFamily ${proxy.inputs.engineFamily}.`,
                );
            return;
        }
        case T.clusterInstance:
            requireExisting(
                state,
                T.cluster,
                (r) =>
                    r.id === inputs.clusterIdentifier ||
                    r.outputs.clusterIdentifier === inputs.clusterIdentifier,
                new AwsError("DBClusterNotFoundFault", `DBCluster ${inputs.clusterIdentifier} not found.`),
            );
            return;
        default:
            return;
    }
}

/** Refusals of the delete call for things still in use. */
export function checkDeletable(state: CloudState, resource: CloudResource): void {
    const { type, id, outputs } = resource;
    const inUse = (code: string, message: string, users: CloudResource[]) => {
        if (users.length > 0)
            throw new AwsError(code, `${message} (used by ${users.map((u) => u.id).join(", ")})`);
    };
    switch (type) {
        case T.instance:
        case T.cluster:
            if (outputs.deletionProtection === true)
                throw new AwsError(
                    "InvalidParameterCombination",
                    `Cannot delete protected ${type === T.instance ? "DB Instance" : "Cluster"}, please disable deletion protection and try again.`,
                );
            if (type === T.cluster)
                inUse(
                    "InvalidDBClusterStateFault",
                    "Cluster cannot be deleted, it still contains DB instances in non-deleting state.",
                    state
                        .list(T.clusterInstance)
                        .filter(
                            (i) =>
                                i.inputs.clusterIdentifier === outputs.clusterIdentifier ||
                                i.inputs.clusterIdentifier === id,
                        ),
                );
            return;
        case T.securityGroup:
            inUse("DependencyViolation", `resource ${id} has a dependent object`, [
                ...[T.ingress, T.egress].flatMap((t) =>
                    state
                        .list(t)
                        .filter(
                            (r) =>
                                r.inputs.securityGroupId === id || r.inputs.referencedSecurityGroupId === id,
                        ),
                ),
                ...[T.instance, T.cluster].flatMap((t) =>
                    state.list(t).filter((r) => (r.inputs.vpcSecurityGroupIds ?? []).includes(id)),
                ),
                ...state
                    .list(T.lambda)
                    .filter((r) => (r.inputs.vpcConfig?.securityGroupIds ?? []).includes(id)),
            ]);
            return;
        case T.subnetGroup:
            inUse(
                "InvalidDBSubnetGroupStateFault",
                `Cannot delete the subnet group '${outputs.name}' because at least one database instance: is still using it.`,
                [T.instance, T.cluster, T.clusterInstance].flatMap((t) =>
                    state.list(t).filter((r) => r.inputs.dbSubnetGroupName === outputs.name),
                ),
            );
            return;
        case T.parameterGroup:
        case T.clusterParameterGroup:
            inUse(
                "InvalidDBParameterGroupState",
                `One or more database instances are still members of this parameter group ${outputs.name}, so the group cannot be deleted`,
                [
                    ...state.list(T.instance).filter((r) => r.inputs.parameterGroupName === outputs.name),
                    ...state
                        .list(T.cluster)
                        .filter((r) => r.inputs.dbClusterParameterGroupName === outputs.name),
                ],
            );
            return;
        case T.role:
            inUse("DeleteConflict", "Cannot delete entity, must detach all policies first.", [
                ...state.list(T.rolePolicyAttachment).filter((r) => r.inputs.role === outputs.name),
                ...state.list(T.rolePolicy).filter((r) => r.inputs.role === outputs.name),
                ...state.list(T.instanceProfile).filter((r) => r.inputs.role === outputs.name),
            ]);
            return;
        case T.policy:
            inUse(
                "DeleteConflict",
                "Cannot delete a policy attached to entities.",
                [T.rolePolicyAttachment, T.userPolicyAttachment].flatMap((t) =>
                    state.list(t).filter((r) => r.inputs.policyArn === outputs.arn),
                ),
            );
            return;
        default:
            return;
    }
}

/** The outputs AWS returns for a create (or an update), beside the inputs. */
export function outputsFor(
    type: string,
    name: string,
    inputs: Record<string, any>,
    region: string,
    partition: string,
): { id: string; outputs: Record<string, any> } {
    const computed = computedOutputs(type, name, inputs, region, partition);
    const extra =
        type === T.parameterGroup || type === T.clusterParameterGroup
            ? parameterGroupOutputs(inputs)
            : type === T.instance || type === T.cluster
              ? { engine: String(inputs.engine).toLowerCase() } // terraform-provider-aws: StateFunc strings.ToLower
              : {};
    // The provider keys a proxy, its default target group and a target by names (proxy.go SetId,
    // proxy_default_target_group.go, proxy_target.go proxyTargetCreateResourceID).
    if (type === T.proxy) return { id: String(inputs.name), outputs: { ...inputs, ...computed } };
    if (type === T.proxyTargetGroup)
        return { id: String(inputs.dbProxyName), outputs: { ...inputs, ...computed } };
    if (type === T.proxyTarget) {
        const cluster = inputs.dbClusterIdentifier !== undefined;
        const ref = String(cluster ? inputs.dbClusterIdentifier : inputs.dbInstanceIdentifier);
        const targetType = cluster ? "TRACKED_CLUSTER" : "RDS_INSTANCE";
        return {
            id: [inputs.dbProxyName, inputs.targetGroupName, targetType, ref].join("/"),
            outputs: { ...inputs, rdsResourceId: ref, type: targetType },
        };
    }
    return { id: idFor(type, name), outputs: { ...inputs, ...computed, ...extra } };
}
