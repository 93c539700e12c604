import * as assert from "node:assert/strict";
import { ENGINES, tlsParameterName } from "../../components/engines";
import { partitionOfRegion as libraryPartitionOfRegion } from "../../components/awsNames";
import { IAM_ENGINES } from "../../policies/lib/resources";
import { partitionOfRegion } from "../../policies/lib/partitions";

describe("the policy pack's copies of the library's facts (the pack installs alone, so it keeps its own)", () => {
    it("knows exactly the library's engines, each with the same TLS-forcing parameter", () => {
        assert.deepEqual(IAM_ENGINES, Object.fromEntries(ENGINES.map((e) => [e, tlsParameterName(e)])));
    });

    it("puts every region in the same partition as the library does", () => {
        const regions = [
            "us-east-1",
            "eu-west-1",
            "us-gov-west-1",
            "cn-north-1",
            "cn-northwest-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
            "us-isof-south-1",
            "eusc-de-east-1",
            "ap-southeast-7",
        ];
        assert.deepEqual(regions.map(partitionOfRegion), regions.map(libraryPartitionOfRegion));
    });
});
