// Every rule of the pack, in the order the pack lists them.
import { backupsRetained } from "./backupsRetained";
import { connectConditions } from "./connectConditions";
import { connectStatements } from "./connectStatements";
import { connectTargetsExist } from "./connectTargetsExist";
import { iamAuthEnabled } from "./iamAuthEnabled";
import { noMasterSecretRead } from "./noMasterSecretRead";
import { noRdsFullAccess } from "./noRdsFullAccess";
import { notPubliclyAccessible } from "./notPubliclyAccessible";
import { proxyIamAuth } from "./proxyIamAuth";
import { storageEncrypted } from "./storageEncrypted";
import { tlsEnforced } from "./tlsEnforced";
import { usersGranted } from "./usersGranted";

export const resourceRules = [
    iamAuthEnabled,
    storageEncrypted,
    notPubliclyAccessible,
    backupsRetained,
    connectStatements,
    connectConditions,
    noRdsFullAccess,
    noMasterSecretRead,
    proxyIamAuth,
];
export const stackRules = [tlsEnforced, connectTargetsExist, usersGranted];
export {
    backupsRetained,
    connectConditions,
    connectStatements,
    connectTargetsExist,
    iamAuthEnabled,
    noMasterSecretRead,
    noRdsFullAccess,
    notPubliclyAccessible,
    proxyIamAuth,
    storageEncrypted,
    tlsEnforced,
    usersGranted,
};
