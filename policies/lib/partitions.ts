/**
 * The partition a region belongs to (`cn-north-1` → `aws-cn`), as the AWS SDK's partition table
 * says. The library has the same table (components/awsNames.ts); the pack keeps its copy so it
 * installs alone, and test/policies/engineFacts.test.ts proves they agree.
 */
const PREFIXES: readonly [RegExp, string][] = [
    [/^us-gov-/, "aws-us-gov"],
    [/^us-iso-/, "aws-iso"],
    [/^us-isob-/, "aws-iso-b"],
    [/^eu-isoe-/, "aws-iso-e"],
    [/^us-isof-/, "aws-iso-f"],
    [/^cn-/, "aws-cn"],
    [/^eusc-/, "aws-eusc"],
];

export function partitionOfRegion(region: string): string {
    return PREFIXES.find(([prefix]) => prefix.test(region))?.[1] ?? "aws";
}
