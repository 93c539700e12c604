/**
 * What each AWS resource type and function of the program calls on AWS, as the AWS provider does it
 * (create, read, update, delete, tags). A type the program starts using without an entry here fails
 * the test; so does an action in the policy that neither an entry nor a dependent permission
 * (deployerPolicy/dependentPermissions.ts) justifies.
 */
const TAGS_EC2 = ["ec2:CreateTags", "ec2:DeleteTags"];
const TAGS_RDS = ["rds:AddTagsToResource", "rds:ListTagsForResource", "rds:RemoveTagsFromResource"];
export const ACTIONS_BY_TYPE: Record<string, string[]> = {
    "aws:ec2/securityGroup:SecurityGroup": [
        "ec2:CreateSecurityGroup",
        "ec2:DescribeSecurityGroups",
        "ec2:DeleteSecurityGroup",
        // The AWS provider removes the default allow-all egress rule of a new group.
        "ec2:RevokeSecurityGroupEgress",
        // Deleting waits for network interfaces still using the group, up to 45 minutes for Lambda's,
        // then detaches and deletes those left (terraform-provider-aws deleteLingeringLambdaENIs).
        "ec2:DescribeNetworkInterfaces",
        "ec2:DetachNetworkInterface",
        "ec2:DeleteNetworkInterface",
        ...TAGS_EC2,
    ],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:DescribeSecurityGroupRules",
        "ec2:ModifySecurityGroupRules",
        "ec2:RevokeSecurityGroupEgress",
        ...TAGS_EC2,
    ],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:DescribeSecurityGroupRules",
        "ec2:ModifySecurityGroupRules",
        "ec2:RevokeSecurityGroupIngress",
        ...TAGS_EC2,
    ],
    "aws:rds/subnetGroup:SubnetGroup": [
        "rds:CreateDBSubnetGroup",
        "rds:DescribeDBSubnetGroups",
        "rds:ModifyDBSubnetGroup",
        "rds:DeleteDBSubnetGroup",
        ...TAGS_RDS,
    ],
    "aws:rds/parameterGroup:ParameterGroup": [
        "rds:CreateDBParameterGroup",
        "rds:DescribeDBParameterGroups",
        "rds:DescribeDBParameters",
        "rds:ModifyDBParameterGroup",
        // A parameter removed from the group is reset (terraform-provider-aws rds/parameter_group.go).
        "rds:ResetDBParameterGroup",
        "rds:DeleteDBParameterGroup",
        ...TAGS_RDS,
    ],
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": [
        "rds:CreateDBClusterParameterGroup",
        "rds:DescribeDBClusterParameterGroups",
        "rds:DescribeDBClusterParameters",
        "rds:ModifyDBClusterParameterGroup",
        // Likewise (terraform-provider-aws rds/cluster_parameter_group.go).
        "rds:ResetDBClusterParameterGroup",
        "rds:DeleteDBClusterParameterGroup",
        ...TAGS_RDS,
    ],
    "aws:rds/instance:Instance": [
        "rds:CreateDBInstance",
        "rds:DescribeDBInstances",
        "rds:ModifyDBInstance",
        "rds:DeleteDBInstance",
        ...TAGS_RDS,
    ],
    "aws:rds/cluster:Cluster": [
        "rds:CreateDBCluster",
        "rds:DescribeDBClusters",
        "rds:ModifyDBCluster",
        "rds:DeleteDBCluster",
        ...TAGS_RDS,
    ],
    "aws:rds/clusterInstance:ClusterInstance": [
        "rds:CreateDBInstance",
        "rds:DescribeDBInstances",
        "rds:ModifyDBInstance",
        "rds:DeleteDBInstance",
        ...TAGS_RDS,
    ],
    "aws:iam/role:Role": [
        "iam:CreateRole",
        "iam:GetRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRole",
        "iam:TagRole",
        "iam:UntagRole",
        // Read and delete list what is still attached to the role.
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
    ],
    "aws:iam/policy:Policy": [
        "iam:CreatePolicy",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:DeletePolicy",
        "iam:TagPolicy",
        "iam:UntagPolicy",
    ],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:ListAttachedRolePolicies",
    ],
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": [
        "iam:AttachUserPolicy",
        "iam:DetachUserPolicy",
        "iam:ListAttachedUserPolicies",
    ],
    "aws:iam/rolePolicy:RolePolicy": ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
    // The SQL runner (sqlRunner "lambda"), published as a version (publish: true → PublishVersion);
    // what creating it in a VPC needs beyond these is in DEPENDENT_PERMISSIONS.
    "aws:lambda/function:Function": [
        "lambda:CreateFunction",
        "lambda:GetFunction",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:ListVersionsByFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:DeleteFunction",
        "lambda:TagResource",
        "lambda:UntagResource",
        "lambda:PublishVersion",
    ],
    "aws:cloudwatch/logGroup:LogGroup": [
        "logs:CreateLogGroup",
        "logs:DescribeLogGroups",
        "logs:PutRetentionPolicy",
        "logs:DeleteLogGroup",
        "logs:ListTagsForResource",
        "logs:TagResource",
        "logs:UntagResource",
    ],
    "aws:iam/instanceProfile:InstanceProfile": [
        "iam:CreateInstanceProfile",
        "iam:GetInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:TagInstanceProfile",
        "iam:UntagInstanceProfile",
    ],
    // Functions: the admin provider's password, the Aurora version lookup. getRegion, getPartition and
    // getCallerIdentity need no permission (STS GetCallerIdentity is always allowed).
    "aws:secretsmanager/getSecretVersion:getSecretVersion": ["secretsmanager:GetSecretValue"],
    "aws:rds/getEngineVersion:getEngineVersion": ["rds:DescribeDBEngineVersions"],
    "aws:index/getRegion:getRegion": [],
    "aws:index/getPartition:getPartition": [],
    "aws:index/getCallerIdentity:getCallerIdentity": [],
    // The DatabaseUser provider reads the managed master secret at each operation, checks the SQL
    // runner's published version (GetFunction on function:<name>:<version>) and invokes that version.
    // With an IAM-only master it signs the master's token instead (rds-db:connect, #23.11).
    "pulumi-nodejs:dynamic/rds-iam:DatabaseUser": [
        "secretsmanager:GetSecretValue",
        "lambda:GetFunction",
        "lambda:InvokeFunction",
        "rds-db:connect",
    ],
    // masterPassword "iam": ModifyDBInstance / ModifyDBCluster MasterUserAuthenticationType, then the
    // SDK's waitUntilDBInstanceAvailable / waitUntilDBClusterAvailable (Describe…) (#23.11).
    "pulumi-nodejs:dynamic/rds-iam:MasterAuthentication": [
        "rds:DescribeDBClusters",
        "rds:DescribeDBInstances",
        "rds:ModifyDBCluster",
        "rds:ModifyDBInstance",
    ],
};
