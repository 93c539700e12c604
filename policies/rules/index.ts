// Every rule of the pack, in the order the pack lists them.
import { backupsRetained } from "./backupsRetained";
import { cannotDecide } from "./cannotDecide";
import { connectConditions } from "./connectConditions";
import { connectRoleTrust } from "./connectRoleTrust";
import { connectStatements } from "./connectStatements";
import { connectTargetsExist } from "./connectTargetsExist";
import { iamAuthEnabled } from "./iamAuthEnabled";
import { iamMasterNoSecretRead } from "./iamMasterNoSecretRead";
import { noMasterSecretRead } from "./noMasterSecretRead";
import { noRdsFullAccess } from "./noRdsFullAccess";
import { notPubliclyAccessible } from "./notPubliclyAccessible";
import { proxyIamAuth } from "./proxyIamAuth";
import { proxyRoleConnects } from "./proxyRoleConnects";
import { proxyRoleTrust } from "./proxyRoleTrust";
import { proxyRoleUsers } from "./proxyRoleUsers";
import { replicaIamAuth } from "./replicaIamAuth";
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
export const stackRules = [
    tlsEnforced,
    replicaIamAuth,
    connectTargetsExist,
    usersGranted,
    connectRoleTrust,
    proxyRoleConnects,
    proxyRoleUsers,
    proxyRoleTrust,
    iamMasterNoSecretRead,
    cannotDecide,
];
export {
    backupsRetained,
    cannotDecide,
    connectConditions,
    connectRoleTrust,
    connectStatements,
    connectTargetsExist,
    iamAuthEnabled,
    iamMasterNoSecretRead,
    noMasterSecretRead,
    noRdsFullAccess,
    notPubliclyAccessible,
    proxyIamAuth,
    proxyRoleConnects,
    proxyRoleTrust,
    proxyRoleUsers,
    replicaIamAuth,
    storageEncrypted,
    tlsEnforced,
    usersGranted,
};
