// Data-plane roles. The app's identity needs them to run at all (the storage
// account accepts no keys, Application Insights no instrumentation key); the
// deployer gets the same ones for debugging, when a principal id is given.

param storageAccountName string
param appInsightsName string

@description('Principal id of the app\'s user-assigned identity.')
param managedIdentityPrincipalId string

@description('Principal id of whoever deploys; empty to grant nothing.')
param deployerPrincipalId string = ''

@description('What deployerPrincipalId is: a CI service principal must not be assigned as a User.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

// Built-in role definition ids, the same in every tenant.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

var principals = concat(
  [
    {
      id: managedIdentityPrincipalId
      type: 'ServicePrincipal' // a managed identity is a service principal
    }
  ],
  empty(deployerPrincipalId)
    ? []
    : [
        {
          id: deployerPrincipalId
          type: deployerPrincipalType
        }
      ]
)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Host storage, snippets and the deployment package (blob).
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principal in principals: {
    name: guid(storage.id, principal.id, storageBlobDataOwner)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
      principalId: principal.id
      principalType: principal.type
    }
  }
]

// The MCP extension's backplane (queue).
resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principal in principals: {
    name: guid(storage.id, principal.id, storageQueueDataContributor)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
      principalId: principal.id
      principalType: principal.type
    }
  }
]

// Telemetry with Entra ID authentication.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principal in principals: {
    name: guid(appInsights.id, principal.id, monitoringMetricsPublisher)
    scope: appInsights
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
      principalId: principal.id
      principalType: principal.type
    }
  }
]
