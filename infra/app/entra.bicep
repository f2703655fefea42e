// The Microsoft Entra app registration behind App Service built-in
// authentication (opt-in: enableBuiltInAuth in main.bicep). Clients sign in
// and call the MCP endpoint with a token for this app's user_impersonation
// scope. The app's managed identity stands in for a client secret through a
// federated identity credential, so no secret exists anywhere.
//
// Deploying it needs permission to create app registrations in the tenant.
extension microsoftGraphV1

@description('Unique name of the registration; redeploying with it updates the same one.')
param uniqueName string

param displayName string

@description('Host name of the function app; its sign-in callback becomes a redirect URI.')
param appHostname string

@description('Client application ids allowed to get tokens without a consent prompt.')
param preAuthorizedClientIds array = []

@description('Service Management Reference, required on app registrations by some tenants.')
param serviceManagementReference string = ''

@description('Principal id of the app\'s user-assigned identity, trusted as the app\'s credential.')
param managedIdentityPrincipalId string

param tags object = {}

var scopeValue = 'user_impersonation'
var scopeId = guid(uniqueName, 'scope', scopeValue)
var identifierUri = 'api://${uniqueName}-${uniqueString(subscription().id, resourceGroup().id, uniqueName)}'
// Graph object tags are plain strings.
var tagList = map(items(tags), tag => '${tag.key}:${tag.value}')

resource registration 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  serviceManagementReference: !empty(serviceManagementReference) ? serviceManagementReference : null
  signInAudience: 'AzureADMyOrg'
  identifierUris: [
    identifierUri
  ]
  tags: tagList
  api: {
    requestedAccessTokenVersion: 2
    oauth2PermissionScopes: [
      {
        id: scopeId
        value: scopeValue
        type: 'User'
        isEnabled: true
        adminConsentDisplayName: 'Use the MCP server'
        adminConsentDescription: 'Lets the application call the MCP server as the signed-in user.'
        userConsentDisplayName: 'Use the MCP server'
        userConsentDescription: 'Lets the application call the MCP server for you.'
      }
    ]
    preAuthorizedApplications: [
      for clientId in preAuthorizedClientIds: {
        appId: clientId
        delegatedPermissionIds: [
          scopeId
        ]
      }
    ]
  }
  web: {
    redirectUris: [
      'https://${appHostname}/.auth/login/aad/callback'
    ]
    implicitGrantSettings: {
      enableAccessTokenIssuance: false
      enableIdTokenIssuance: true
    }
  }
  requiredResourceAccess: [
    {
      resourceAppId: '00000003-0000-0000-c000-000000000000' // Microsoft Graph
      resourceAccess: [
        {
          id: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d' // User.Read, delegated
          type: 'Scope'
        }
      ]
    }
  ]
}

resource servicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: registration.appId
  tags: tagList
}

resource identityCredential 'Microsoft.Graph/applications/federatedIdentityCredentials@v1.0' = {
  name: '${registration.uniqueName}/function-app-identity'
  audiences: [
    'api://AzureADTokenExchange'
  ]
  issuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
  subject: managedIdentityPrincipalId
  description: 'The function app\'s managed identity, used instead of a client secret.'
}

output applicationId string = registration.appId
output identifierUri string = identifierUri
output scope string = '${identifierUri}/${scopeValue}'
