// The Azure side of the Go MCP server: one custom-handler function app on the
// Flex Consumption plan, reaching its storage and monitoring with a
// user-assigned identity instead of keys.
//
// `azd up` deploys it (azure.yaml); main.parameters.json maps azd environment
// values onto the parameters below. Modules from the public Bicep registry are
// Azure Verified Modules pinned to exact versions.
targetScope = 'subscription'

// --- parameters ---------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the azd environment. It seeds the unique token in every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource. Only regions that offer the Flex Consumption plan are listed.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of whoever deploys. It gets the same data roles as the app, so you can debug against the cloud storage; empty to grant nothing.')
param principalId string = deployer().objectId

@description('What principalId is: User when you run azd yourself, ServicePrincipal when CI does. azd fills it in.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Put storage behind private endpoints and integrate the app with a virtual network.')
param vnetEnabled bool = false

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('The most instances the app scales out to.')
@maxValue(1000)
param maximumInstanceCount int = 100

@description('How the app serves MCP (MCP_HOSTING): triggers, the Functions host\'s MCP extension at /runtime/webhooks/mcp (the default); or self, the handler\'s own MCP server at /mcp behind the host\'s mcp-custom-handler profile (public preview). The package must be built for the same hosting: azd passes MCP_HOSTING to the packaging hook too.')
@allowed([
  'triggers'
  'self'
])
param mcpHosting string = 'triggers'

@secure()
@minLength(32)
@description('Self hosting: the secret that seals the state of a confirmation between a client\'s two calls (MCP_STATE_KEY, its base64), the same on every instance so that an answer may reach any of them. azd generates it once per environment and keeps it; outside azd, give 32 or more random characters.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 64
    }
  }
})
param mcpStateKey string

@description('Put App Service built-in authentication with Microsoft Entra in front of the app. Off by default: clients then send a key (triggers: the mcp_extension system key; self: the default host key). When on with triggers, host.json must set extensions.mcp.system.webhookAuthorizationLevel to Anonymous, or clients need both a token and the key; with self, the app setting that makes the host anonymous is set for you.')
param enableBuiltInAuth bool = false

@description('Built-in authentication only: comma-separated client application ids allowed to get tokens for the app without a consent prompt (VS Code is aebc6443-996d-45c2-90f0-388ff96faa56).')
param preAuthorizedClientIds string = ''

@description('Built-in authentication only: delegated Microsoft Graph permissions asked for at sign-in.')
param delegatedPermissions array = [
  'User.Read'
]

@description('Built-in authentication only: the Service Management Reference some tenants require on app registrations.')
param serviceManagementReference string = ''

@description('Comma-separated origins (scheme://host[:port]) of browser pages allowed to call the MCP endpoint, as Host.CORS does locally; "*" alone allows any origin. Empty (the default) allows none: MCP clients that are not pages need no CORS.')
param corsAllowedOrigins string = ''

@description('Let the allowed origins send credentials (cookies, the Authorization header). Not with "*".')
param corsSupportCredentials bool = false

// Optional names; empty means a generated one.
param resourceGroupName string = ''
param functionAppName string = ''
param identityName string = ''
param appServicePlanName string = ''
param storageAccountName string = ''
param logAnalyticsName string = ''
param applicationInsightsName string = ''
param vnetName string = ''

// --- names --------------------------------------------------------------------

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var appName = !empty(functionAppName) ? functionAppName : '${abbrs.webSitesFunctions}api-${resourceToken}'
var virtualNetworkName = !empty(vnetName) ? vnetName : '${abbrs.networkVirtualNetworks}${resourceToken}'
// Flex Consumption pulls the package from this blob container.
var deploymentContainerName = 'app-package-${take(appName, 32)}-${take(toLower(uniqueString(appName, resourceToken)), 7)}'
var corsAllowedOriginList = !empty(corsAllowedOrigins) ? filter(map(split(corsAllowedOrigins, ','), origin => trim(origin)), origin => !empty(origin)) : []
var preAuthorizedClientIdList = !empty(preAuthorizedClientIds) ? map(split(preAuthorizedClientIds, ','), id => trim(id)) : []

// --- resources ----------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The app's identity for storage and Application Insights; rbac.bicep grants its roles.
module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'identity'
  scope: rg
  params: {
    name: !empty(identityName) ? identityName : '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'plan'
  scope: rg
  params: {
    name: !empty(appServicePlanName) ? appServicePlanName : '${abbrs.webServerFarms}${resourceToken}'
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true // Linux
    location: location
    tags: tags
  }
}

// Storage for the host (AzureWebJobsStorage), the snippets, the MCP
// extension's queues and the deployment package. Keys are off: every client
// signs in with Entra ID.
module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  scope: rg
  params: {
    name: !empty(storageAccountName) ? storageAccountName : '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    dnsEndpointType: 'Standard'
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
    networkAcls: vnetEnabled
      ? {
          defaultAction: 'Deny'
          bypass: 'None'
        }
      : {
          defaultAction: 'Allow'
          bypass: 'AzureServices'
        }
    blobServices: {
      containers: [
        {
          name: deploymentContainerName
        }
      ]
    }
    // The MCP extension's SSE transport uses queues as its backplane.
    queueServices: {
      queues: []
    }
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'logAnalytics'
  scope: rg
  params: {
    name: !empty(logAnalyticsName) ? logAnalyticsName : '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    dataRetention: 30
  }
}

// Local auth off: the app publishes telemetry with its identity (see the
// APPLICATIONINSIGHTS_AUTHENTICATION_STRING setting in app/api.bicep).
module monitoring 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'monitoring'
  scope: rg
  params: {
    name: !empty(applicationInsightsName) ? applicationInsightsName : '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.name
    managedIdentityPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module vnet 'app/vnet.bicep' = if (vnetEnabled) {
  name: 'vnet'
  scope: rg
  params: {
    name: virtualNetworkName
    location: location
    tags: tags
  }
}

module storagePrivateEndpoints 'app/storage-private-endpoints.bicep' = if (vnetEnabled) {
  name: 'storagePrivateEndpoints'
  scope: rg
  params: {
    virtualNetworkName: virtualNetworkName
    subnetId: vnetEnabled ? vnet!.outputs.privateEndpointSubnetId : ''
    storageAccountName: storage.outputs.name
    location: location
    tags: tags
  }
}

// The app registration behind built-in authentication (opt-in).
module entraApp 'app/entra.bicep' = if (enableBuiltInAuth) {
  name: 'entraApp'
  scope: rg
  params: {
    uniqueName: '${appName}-app'
    displayName: 'MCP server ${appName}'
    appHostname: '${appName}.azurewebsites.net'
    preAuthorizedClientIds: preAuthorizedClientIdList
    serviceManagementReference: serviceManagementReference
    managedIdentityPrincipalId: identity.outputs.principalId
    tags: tags
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: appName
    location: location
    tags: tags
    appServicePlanId: plan.outputs.resourceId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.name
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    virtualNetworkSubnetId: vnetEnabled ? vnet!.outputs.appSubnetId : ''
    authClientId: enableBuiltInAuth ? entraApp!.outputs.applicationId : ''
    authIdentifierUri: enableBuiltInAuth ? entraApp!.outputs.identifierUri : ''
    authTenantId: tenant().tenantId
    delegatedPermissions: delegatedPermissions
    preAuthorizedClientIds: preAuthorizedClientIdList
    corsAllowedOrigins: corsAllowedOriginList
    corsSupportCredentials: corsSupportCredentials
    mcpHosting: mcpHosting
    mcpStateKey: mcpStateKey
  }
  // The host starts with the identity's storage roles in place.
  dependsOn: [
    rbac
  ]
}

// --- outputs (azd stores them in the environment: azd env get-values) ---------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_DEFAULT_HOSTNAME string = api.outputs.defaultHostname
output MCP_SERVER_URL string = 'https://${api.outputs.defaultHostname}${mcpHosting == 'self' ? '/mcp' : '/runtime/webhooks/mcp'}'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.name
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
output AUTH_ENABLED bool = enableBuiltInAuth
output ENTRA_APPLICATION_ID string = enableBuiltInAuth ? entraApp!.outputs.applicationId : ''
